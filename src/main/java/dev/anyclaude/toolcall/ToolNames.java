package dev.anyclaude.toolcall;

import dev.anyclaude.api.Tool;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Matches the name a model wrote against the tools the request offered: exactly, then ignoring case,
 * then without the {@code functions.} prefix (harmony, Kimi) and a Kimi {@code :index} suffix, then
 * without a {@code json} content type glued on by harmony ({@code functions.shelljson}). A name that matches
 * no offered tool, or looks like template residue ({@code {{ tc.name }}}, quotes, whitespace inside), is not
 * a call (the caller delivers it as text).
 */
public final class ToolNames {
    private static final String GLUED_CONTENT_TYPE = "json";

    private ToolNames() {
    }

    public static Optional<Tool> resolve(String written, List<Tool> tools) {
        if (written == null) {
            return Optional.empty();
        }
        String name = written.strip();
        if (name.length() >= 2 && (name.startsWith("\"") && name.endsWith("\"")
                || name.startsWith("'") && name.endsWith("'"))) {
            name = name.substring(1, name.length() - 1).strip();
        }
        if (name.isEmpty() || name.chars().anyMatch(c -> "{}<>\"'`".indexOf(c) >= 0 || Character.isWhitespace(c))) {
            return Optional.empty();
        }
        Optional<Tool> found = match(name, tools);
        if (found.isPresent()) {
            return found;
        }
        String bare = name;
        if (bare.startsWith("functions.")) {
            bare = bare.substring("functions.".length());
        }
        int colon = bare.lastIndexOf(':');
        if (colon > 0 && colon < bare.length() - 1 && bare.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            bare = bare.substring(0, colon);
        }
        if (!bare.equals(name)) {
            found = match(bare, tools);
            if (found.isPresent()) {
                return found;
            }
        }
        // Harmony without its special tokens glues the content type to the name: functions.shelljson.
        int glued = bare.length() - GLUED_CONTENT_TYPE.length();
        if (glued > 0 && bare.regionMatches(true, glued, GLUED_CONTENT_TYPE, 0, GLUED_CONTENT_TYPE.length())) {
            return match(bare.substring(0, glued), tools);
        }
        return Optional.empty();
    }

    private static Optional<Tool> match(String name, List<Tool> tools) {
        for (Tool tool : tools) {
            if (tool.name().equals(name)) {
                return Optional.of(tool);
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (Tool tool : tools) {
            if (tool.name().toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(tool);
            }
        }
        return Optional.empty();
    }
}
