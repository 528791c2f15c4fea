package dev.anyclaude.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real Claude Code CLI against a gateway on loopback, from a clean environment: PATH, a fresh HOME,
 * the base URL and a dummy key, non-essential traffic off, and every proxy variable pointing at a loopback
 * trap so nothing leaves the machine. Waits a bounded time and kills the process tree if it is exceeded.
 */
public final class ClaudeCli {

    public static final String BIN_PROPERTY = "ANYCLAUDE_CLAUDE_BIN";
    public static final String DUMMY_KEY = "sk-test-dummy";

    private ClaudeCli() {
    }

    /** The result of one run. */
    public record Run(int exitCode, String stdout, String stderr, List<String> command) {
        public String describe() {
            return "claude " + String.join(" ", command.subList(1, command.size())) + "\nexit code " + exitCode
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * The CLI: system property or environment variable {@value #BIN_PROPERTY}, else {@code claude} on PATH.
     * Fails (never skips) when there is none: the end-to-end tests are part of the suite.
     */
    public static Path binary() {
        String configured = System.getProperty(BIN_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(BIN_PROPERTY);
        }
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new AssertionError(BIN_PROPERTY + " is set to " + path + ", which is not an executable file");
            }
            return path;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "claude");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("Claude Code CLI not found: set " + BIN_PROPERTY + " (system property or "
                + "environment variable) to the claude binary, or put claude on PATH. ./run-tests installs the "
                + "pinned version into .tools/ and sets it for you.");
    }

    /**
     * Runs {@code claude args...} in {@code project} with HOME {@code home}, talking to the gateway at
     * {@code gatewayPort}; {@code proxyTrapPort} receives any traffic meant for other hosts.
     */
    public static Run run(Path project, Path home, int gatewayPort, int proxyTrapPort, Duration timeout,
                          Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + gatewayPort);
        env.put("ANTHROPIC_API_KEY", DUMMY_KEY);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        String trap = "http://127.0.0.1:" + proxyTrapPort;
        for (String name : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
            env.put(name, trap);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("no_proxy", "127.0.0.1,localhost");
        env.putAll(extraEnv);

        Path out = Files.createTempFile(home, "claude-stdout", ".txt");
        Path err = Files.createTempFile(home, "claude-stderr", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        int exit;
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            exit = process.exitValue();
        } else {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("claude did not finish within " + timeout + " and was killed\n--- stdout ---\n"
                    + Files.readString(out, StandardCharsets.UTF_8) + "\n--- stderr ---\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        return new Run(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                command);
    }
}
