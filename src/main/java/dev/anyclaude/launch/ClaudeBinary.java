package dev.anyclaude.launch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Claude Code CLI: {@code --claude-bin}, else the environment variable {@value #ENV}, else
 * {@code claude} on {@code PATH}. A configured value may be a path or a bare command name looked up on
 * {@code PATH}; {@code ~/} means the home directory.
 */
public final class ClaudeBinary {

    public static final String ENV = "ANYCLAUDE_CLAUDE_BIN";
    public static final String DEFAULT_NAME = "claude";

    private ClaudeBinary() {
    }

    /** Why the CLI could not be found, worded for the user. */
    public static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    /**
     * The executable to run.
     *
     * @param configured the {@code --claude-bin} value, or null
     * @param env        the environment: {@value #ENV}, {@code PATH} and {@code HOME} are read from it
     */
    public static Path resolve(String configured, Map<String, String> env) throws NotFound {
        if (configured != null && !configured.isBlank()) {
            return explicit(configured.strip(), "--claude-bin", env);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return explicit(fromEnv.strip(), ENV, env);
        }
        return onPath(DEFAULT_NAME, env.get("PATH")).orElseThrow(() -> new NotFound(
                "Claude Code CLI not found: no '" + DEFAULT_NAME + "' on PATH. Install it (npm install -g "
                        + "@anthropic-ai/claude-code), or point --claude-bin or " + ENV + " at the binary."));
    }

    private static Path explicit(String value, String source, Map<String, String> env) throws NotFound {
        if (!value.contains("/")) {
            return onPath(value, env.get("PATH")).orElseThrow(() -> new NotFound(
                    source + " is '" + value + "', which is not a command on PATH"));
        }
        Path path;
        try {
            path = expandHome(value, env.get("HOME"));
        } catch (InvalidPathException e) {
            throw new NotFound(source + " is '" + value + "', which is not a valid path");
        }
        if (!Files.exists(path)) {
            throw new NotFound(source + " is '" + value + "', which does not exist");
        }
        if (Files.isDirectory(path) || !Files.isExecutable(path)) {
            throw new NotFound(source + " is '" + value + "', which is not an executable file");
        }
        return path.toAbsolutePath();
    }

    /** The first executable regular file named {@code name} in the {@code PATH} directories. */
    static Optional<Path> onPath(String name, String pathVariable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator, -1)) {
            try {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            } catch (InvalidPathException e) {
                // a PATH entry that is no path: skip it, as shells do
            }
        }
        return Optional.empty();
    }

    static Path expandHome(String value, String home) {
        if (home != null && (value.equals("~") || value.startsWith("~/"))) {
            return Path.of(home + value.substring(1));
        }
        return Path.of(value);
    }
}
