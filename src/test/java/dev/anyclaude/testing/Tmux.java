package dev.anyclaude.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private tmux server (its own socket, working directory and environment) to drive interactive programs the way
 * a user at a terminal does: type, press keys, read the screen. {@link #close()} kills the server if it is still
 * there.
 *
 * <p>Each session started here has a control-mode client attached ({@code tmux -C}, which does not size the
 * window): the server tells it of every output of the pane and of the session's end, so waits for the screen wake
 * on a change instead of polling, and screens are captured through it without starting a tmux client each time.
 */
public final class Tmux implements AutoCloseable {

    private final Path socket;
    private final Path directory;
    private final Map<String, String> env;
    private final Map<String, Control> controls = new LinkedHashMap<>();

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
        Control control = new Control(name, start(List.of("-C", "attach-session", "-f", "ignore-size", "-t", name),
                ProcessBuilder.Redirect.PIPE));
        Control previous;
        synchronized (controls) {
            previous = controls.put(name, control);
        }
        if (previous != null) {
            previous.close();
        }
    }

    /** The visible screen of the session's pane. */
    public String screen(String name) throws IOException, InterruptedException {
        return control(name).screen();
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

    /**
     * Reads the screen until {@code ready} accepts it, again after each output of the pane; fails with the last
     * screen after {@code timeout} or when the session ends first.
     */
    public String awaitScreen(String name, Predicate<String> ready, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Control control = control(name);
        String screen = "";
        while (true) {
            long seen = control.changes();
            if (control.ended()) {
                throw new AssertionError("session " + name + " ended while waiting for " + what + "; last screen:\n"
                        + screen);
            }
            screen = control.screen();
            if (ready.test(screen)) {
                return screen;
            }
            if (!control.awaitChange(seen, deadline)) {
                throw new AssertionError("no " + what + " on the screen within " + timeout + "; last screen:\n"
                        + screen);
            }
        }
    }

    /** Waits until the session has ended. */
    public void awaitSessionEnd(String name, Duration timeout) throws InterruptedException, IOException {
        Control control = control(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!control.ended()) {
            if (!control.awaitChange(control.changes(), deadline)) {
                throw new AssertionError("session " + name + " still there after " + timeout + "; screen:\n"
                        + control.screenOrEmpty());
            }
        }
        if (hasSession(name)) {
            throw new AssertionError("session " + name + " is still there after its control client was told it ended");
        }
    }

    private Control control(String name) {
        synchronized (controls) {
            Control control = controls.get(name);
            if (control == null) {
                throw new IllegalStateException("no session " + name + " was started here");
            }
            return control;
        }
    }

    public String tmux(String... args) throws IOException, InterruptedException {
        return run(List.of(args));
    }

    private Process start(List<String> args, ProcessBuilder.Redirect input) throws IOException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(input);
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        Process process = start(args, ProcessBuilder.Redirect.from(new File("/dev/null")));
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
        List<Control> all;
        synchronized (controls) {
            all = List.copyOf(controls.values());
            controls.clear();
        }
        for (Control control : all) {
            control.close();
        }
    }

    /**
     * A control-mode client attached to one session. Its reader thread counts the pane's outputs ({@code %output}
     * lines), hands the replies to our commands ({@code %begin ... %end} blocks flagged 1, in the order sent) to
     * their senders, and marks the session ended when the client exits (tmux tells it {@code %exit} once the
     * session is gone, or the server is).
     */
    private static final class Control {

        private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

        private final String session;
        private final Process process;
        private final Writer commands;
        private final Thread reader;
        private final Deque<CompletableFuture<String>> pending = new ArrayDeque<>();
        private long changes;
        private boolean ended;
        private final StringBuilder transcript = new StringBuilder();

        Control(String session, Process process) {
            this.session = session;
            this.process = process;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.reader = Thread.ofPlatform().daemon().name("tmux-control-" + session).start(this::read);
        }

        synchronized long changes() {
            return changes;
        }

        synchronized boolean ended() {
            return ended;
        }

        /** Waits until the pane shows output after {@code seen} or the session ends; false at the deadline. */
        synchronized boolean awaitChange(long seen, long deadline) throws InterruptedException {
            while (changes == seen && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** Sends one command line and returns its output; fails when tmux answers with an error. */
        String command(String line) throws IOException, InterruptedException {
            CompletableFuture<String> reply = new CompletableFuture<>();
            synchronized (this) {
                if (ended) {
                    throw new IOException("the control client of session " + session + " has exited");
                }
                pending.addLast(reply);
                try {
                    commands.write(line + "\n");
                    commands.flush();
                } catch (IOException e) {
                    pending.removeLast();
                    throw e;
                }
            }
            try {
                return reply.get(REPLY_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IOException("tmux " + line + ": " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("tmux " + line + ": no reply within " + REPLY_TIMEOUT + "; client said:\n"
                        + transcript(), e);
            }
        }

        /** The visible screen of the session's pane. */
        String screen() throws IOException, InterruptedException {
            return command("capture-pane -p -t " + session);
        }

        /** The screen, or "" when the session ended meanwhile (for a failure message). */
        String screenOrEmpty() throws InterruptedException {
            try {
                return screen();
            } catch (IOException e) {
                return "";
            }
        }

        private synchronized String transcript() {
            return transcript.toString();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                String end = null; // the line that ends the block being read
                boolean ours = false;
                StringBuilder block = new StringBuilder();
                while ((line = in.readLine()) != null) {
                    if (end != null) {
                        if (line.equals(end) || line.equals("%error" + end.substring("%end".length()))) {
                            if (ours) {
                                reply(line.startsWith("%end"), block.toString());
                            }
                            end = null;
                        } else {
                            block.append(line).append('\n');
                        }
                    } else if (line.startsWith("%begin ")) {
                        String[] guard = line.split(" ");
                        end = "%end" + line.substring("%begin".length());
                        ours = guard.length == 4 && guard[3].equals("1");
                        block.setLength(0);
                    } else if (line.startsWith("%output ") || line.startsWith("%extended-output ")) {
                        changed();
                    } else {
                        note(line);
                    }
                }
            } catch (IOException e) {
                note("read failed: " + e);
            } finally {
                end();
            }
        }

        private synchronized void changed() {
            changes++;
            notifyAll();
        }

        private synchronized void note(String line) {
            if (transcript.length() < 4096) {
                transcript.append(line).append('\n');
            }
        }

        private synchronized void reply(boolean ok, String output) {
            CompletableFuture<String> next = pending.pollFirst();
            if (next == null) {
                note("a reply nobody asked for: " + output);
            } else if (ok) {
                next.complete(output);
            } else {
                next.completeExceptionally(new IOException(output.strip()));
            }
        }

        private synchronized void end() {
            ended = true;
            IOException gone = new IOException("the session ended before tmux replied");
            pending.forEach(f -> f.completeExceptionally(gone));
            pending.clear();
            notifyAll();
        }

        void close() throws InterruptedException {
            try {
                commands.close();
            } catch (IOException e) {
                // the client has exited already
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(10));
        }
    }
}
