package dev.anyclaude.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private tmux server (its own socket, working directory and environment) to drive interactive programs the way
 * a user at a terminal does: type, press keys, read the screen. {@link #close()} kills the server if it is still
 * there.
 */
public final class Tmux implements AutoCloseable {

    private final Path socket;
    private final Path directory;
    private final Map<String, String> env;

    /**
     * @param directory where the server runs (and its socket lives)
     * @param env       the server's environment, which its panes inherit
     */
    public Tmux(Path directory, Map<String, String> env) {
        this.directory = directory;
        this.socket = directory.resolve("tmux.sock");
        this.env = Map.copyOf(env);
    }

    /** Runs {@code command} (a shell command line) in a new detached session of the given size. */
    public void newSession(String name, int width, int height, String command) throws IOException, InterruptedException {
        tmux("new-session", "-d", "-s", name, "-x", String.valueOf(width), "-y", String.valueOf(height),
                "-c", directory.toString(), command);
    }

    /** The visible screen of the session's pane. */
    public String screen(String name) throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-t", name);
    }

    /** Types {@code text} literally. */
    public void type(String name, String text) throws IOException, InterruptedException {
        tmux("send-keys", "-t", name, "-l", text);
    }

    /** Presses keys by tmux name: {@code Enter}, {@code C-c}, {@code C-d}. */
    public void press(String name, String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", name));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** True while the session exists. */
    public boolean hasSession(String name) throws InterruptedException {
        try {
            run(List.of("has-session", "-t", name));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The pid of the process the session's pane runs. */
    public long panePid(String name) throws IOException, InterruptedException {
        return Long.parseLong(tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip());
    }

    /** Polls the screen until {@code ready} accepts it; fails with the last screen after {@code timeout}. */
    public String awaitScreen(String name, Predicate<String> ready, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            if (!hasSession(name)) {
                throw new AssertionError("session " + name + " ended while waiting for " + what + "; last screen:\n"
                        + screen);
            }
            screen = screen(name);
            if (ready.test(screen)) {
                return screen;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + what + " on the screen within " + timeout + "; last screen:\n" + screen);
    }

    /** Waits until the session has ended. */
    public void awaitSessionEnd(String name, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (hasSession(name)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session " + name + " still there after " + timeout + "; screen:\n"
                        + screen(name));
            }
            Thread.sleep(100);
        }
    }

    public String tmux(String... args) throws IOException, InterruptedException {
        return run(List.of(args));
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("tmux " + args + " hung");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("tmux " + args + " failed (" + process.exitValue() + "): " + text);
        }
        return text;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            run(List.of("kill-server"));
        } catch (IOException e) {
            // no server left: the sessions ended
        }
    }
}
