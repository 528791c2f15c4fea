package dev.anyclaude.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged launcher, {@code java -jar anyclaude.jar ARGS}, as a child process: run in a project directory with
 * a throw-away HOME and an environment of only PATH, HOME, the extra variables a test gives, and every proxy
 * variable pointing at a loopback trap, so that nothing claude or the gateway sends can leave the machine. Output
 * goes to files; the gateway port is read from the launcher's {@code anyclaude: gateway http://127.0.0.1:PORT} line.
 */
public final class LauncherProcess {

    private static final Pattern GATEWAY = Pattern.compile("anyclaude: gateway http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<String> command;

    private LauncherProcess(Process process, Path stdout, Path stderr, List<String> command) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.command = command;
    }

    /** The environment a launcher runs with in tests: PATH, HOME, no auto-update, all egress to the trap. */
    public static Map<String, String> baseEnvironment(Path home, int proxyTrapPort) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null ? "/usr/bin:/bin" : path);
        env.put("HOME", home.toString());
        env.put("DISABLE_AUTOUPDATER", "1");
        String trap = "http://127.0.0.1:" + proxyTrapPort;
        for (String name : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
            env.put(name, trap);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("no_proxy", "127.0.0.1,localhost");
        return env;
    }

    /** {@code java -jar anyclaude.jar args...} with the JVM the tests run on. */
    public static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(GatewayProcess.jar().toString());
        command.addAll(args);
        return command;
    }

    /** Starts the launcher in {@code project} with exactly {@code env}; stdin is {@code /dev/null}. */
    public static LauncherProcess start(Path project, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = command(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Path out = Files.createTempFile(project.getParent(), "launcher-stdout", ".txt");
        Path err = Files.createTempFile(project.getParent(), "launcher-stderr", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new LauncherProcess(builder.start(), out, err, command);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** The gateway port from the launcher's banner, waiting up to {@code wait} for it (not past the launcher's exit). */
    public int gatewayPort(Duration wait) throws InterruptedException {
        Integer port = awaitInFile(stderr, content -> {
            Matcher m = content == null ? null : GATEWAY.matcher(content);
            return m != null && m.find() ? Integer.valueOf(m.group(1)) : null;
        }, wait, process::isAlive);
        if (port == null) {
            throw new AssertionError("no 'anyclaude: gateway http://127.0.0.1:PORT' line from the launcher\n"
                    + describe());
        }
        return port;
    }

    /** Waits for the launcher to exit; kills it (and fails) after {@code timeout}. Returns its exit status. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the launcher did not exit within " + timeout + " and was killed\n" + describe());
        }
        return process.exitValue();
    }

    /** Sends SIG{@code name} to the launcher's JVM only. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + name + " " + process.pid()).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("could not send SIG" + name + " to " + process.pid());
        }
    }

    public String describe() {
        String status = process.isAlive() ? "running" : "exit status " + process.exitValue();
        return String.join(" ", command) + "\n" + status + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
    }

    private static String read(Path file) {
        String content = readOrNull(file);
        return content != null ? content : "(not there, or unreadable)";
    }

    /** Waits up to {@code wait} for {@code file} to exist, empty or not. */
    public static void awaitExists(Path file, Duration wait) throws InterruptedException {
        if (awaitInFile(file, content -> content != null ? Boolean.TRUE : null, wait, () -> true) == null) {
            throw new AssertionError(file + " did not appear within " + wait);
        }
    }

    /** Waits up to {@code wait} for {@code file} to contain {@code text}; its content. */
    public static String awaitContains(Path file, String text, Duration wait) throws InterruptedException {
        String content = awaitInFile(file, c -> c != null && c.contains(text) ? c : null, wait, () -> true);
        if (content == null) {
            throw new AssertionError("'" + text + "' did not appear in " + file + " within " + wait + "; it has:\n"
                    + read(file));
        }
        return content;
    }

    /** Waits up to {@code wait} for {@code file} to exist and be non-empty; its content. */
    public static String awaitFile(Path file, Duration wait) throws InterruptedException {
        String content = awaitInFile(file, c -> c != null && !c.isEmpty() ? c : null, wait, () -> true);
        if (content == null) {
            throw new AssertionError(file + " did not appear within " + wait);
        }
        return content;
    }

    /** How often a wait re-asks whether there is still hope, when the file does not change. */
    private static final Duration HOPE_CHECK = Duration.ofMillis(250);

    /**
     * What {@code check} finds in {@code file}'s content (null when the file is not there; a null result: not
     * yet), woken by changes to the file's directory rather than by polling it; null once {@code wait} has passed
     * or {@code stillHope} says no.
     */
    private static <T> T awaitInFile(Path file, Function<String, T> check, Duration wait, BooleanSupplier stillHope)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Path absolute = file.toAbsolutePath();
        try (WatchService watcher = absolute.getFileSystem().newWatchService()) {
            absolute.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                T found = check.apply(readOrNull(absolute)); // after registering: no change can slip between
                if (found != null) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !stillHope.getAsBoolean()) {
                    return null;
                }
                WatchKey key = watcher.poll(Math.min(left, HOPE_CHECK.toNanos()), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + absolute.getParent(), e);
        }
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
