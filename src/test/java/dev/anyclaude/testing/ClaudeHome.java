package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throw-away HOME in which interactive Claude Code starts straight at its prompt: onboarding done (otherwise its
 * first start checks api.anthropic.com and fails offline), a theme chosen, and the project trusted.
 */
public final class ClaudeHome {

    private ClaudeHome() {
    }

    /** Writes {@code home/.claude.json} for a session in {@code project}. */
    public static void seed(Path home, Path project) throws IOException {
        ObjectNode config = Json.object();
        config.put("hasCompletedOnboarding", true);
        config.put("theme", "dark");
        config.putObject("projects").putObject(project.toAbsolutePath().toString())
                .put("hasTrustDialogAccepted", true);
        Files.createDirectories(home);
        Files.writeString(home.resolve(".claude.json"), Json.string(config), StandardCharsets.UTF_8);
    }
}
