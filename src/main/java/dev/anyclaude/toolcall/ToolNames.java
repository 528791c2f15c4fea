package dev.anyclaude.toolcall;

import dev.anyclaude.api.Tool;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Matches the name a model wrote against the tools the request offered: exactly, then ignoring case,
 * then without the {@code functions.} prefix (harmony, Kimi) and a Kimi {@code :index} suffix. A name
 * that matches no offered tool is not a call (the caller delivers it as text).
 */
public final class ToolNames {
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
        if (colon > 0 && bare.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            bare = bare.substring(0, colon);
        }
        return bare.equals(name) ? Optional.empty() : match(bare, tools);
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
