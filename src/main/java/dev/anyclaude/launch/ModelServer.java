package dev.anyclaude.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The local model server behind the gateway, started by anyclaude when it is not running yet.
 *
 * <p>{@link #start} probes the server first. Something that answers is left alone: anyclaude never starts a
 * second server on a taken port and never stops one it did not start (one still loading, answering 5xx, is waited
 * for). Only when nothing answers is the command started, in a process group of its own, with its output appended
 * to the log file; then {@code start} waits, printing progress, until the server answers, its command fails, or the
 * start timeout passes. {@link #close} stops the group it started (SIGTERM, then SIGKILL after the grace period),
 * and nothing else.
 */
public final class ModelServer implements AutoCloseable {

    /** Lines of the server log shown when it fails to start. */
    public static final int TAIL_LINES = 20;

    /**
     * What to start and how long to wait.
     *
     * @param command        the server command
     * @param env            the server's whole environment (see {@link ServerCommand#environment})
     * @param workingDir     where it runs
     * @param log            its output, appended to
     * @param probeUrl       the URL that answers once it is up
     * @param startTimeout   how long it may take to answer
     * @param stopGrace      how long it has to exit after SIGTERM before SIGKILL
     * @param pollInterval   how often it is probed while starting
     * @param progressEvery  how often a progress line is printed while waiting
     */
    public record Options(ServerCommand command, Map<String, String> env, Path workingDir, Path log, URI probeUrl,
                          Duration startTimeout, Duration stopGrace, Duration pollInterval, Duration progressEvery) {
        public Options {
            Objects.requireNonNull(command, "command");
            env = Map.copyOf(env);
            Objects.requireNonNull(workingDir, "workingDir");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(probeUrl, "probeUrl");
            Objects.requireNonNull(startTimeout, "startTimeout");
            Objects.requireNonNull(stopGrace, "stopGrace");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(progressEvery, "progressEvery");
        }
    }

    /** The server did not come up; the message is for the user and holds the end of its log. */
    public static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }
    }

    private final Options options;
    private final ServerProbe probe;
    private final PrintStream progress;
    private volatile ProcessGroup started;
    private long logOffset;

    public ModelServer(Options options, ServerProbe probe, PrintStream progress) {
        this.options = options;
        this.probe = probe;
        this.progress = progress;
    }

    /** True when anyclaude started the server, and so will stop it. */
    public boolean startedByUs() {
        return started != null;
    }

    /** The process group anyclaude started, or null. */
    public ProcessGroup process() {
        return started;
    }

    /** Makes sure the server answers, starting it if nothing does. */
    public void start() throws StartFailure, InterruptedException {
        URI url = options.probeUrl();
        ServerProbe.Result first = probe.probe(url);
        if (first.ready()) {
            say("model server at " + url + " is already running; using it as it is");
            return;
        }
        if (first.answered()) {
            say("a model server at " + url + " answers " + ((ServerProbe.Answered) first).status()
                    + " (still loading?); waiting for it, without starting another");
            awaitReady(url, null);
            return;
        }
        launch();
        say("started the model server: " + options.command().display());
        say("model server log: " + options.log());
        awaitReady(url, started);
    }

    private void launch() throws StartFailure {
        try {
            Path log = options.log();
            if (log.getParent() != null) {
                Files.createDirectories(log.getParent());
            }
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "=== anyclaude " + Instant.now() + ": " + options.command().display() + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            started = ProcessGroup.start(options.command().argv(), options.env(), options.workingDir(), log);
        } catch (IOException e) {
            throw new StartFailure("cannot start the model server (" + options.command().display() + "): "
                    + e.getMessage());
        }
    }

    private void awaitReady(URI url, ProcessGroup ours) throws StartFailure, InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + options.startTimeout().toNanos();
        long nextProgress = begin + options.progressEvery().toNanos();
        boolean reportedExit = false;
        ServerProbe.Result last;
        while (true) {
            last = probe.probe(url);
            if (last.ready()) {
                say("model server ready after " + seconds(System.nanoTime() - begin));
                return;
            }
            if (ours != null && !ours.leaderAlive()) {
                int status = ours.process().exitValue();
                if (status != 0) {
                    throw failure("the model server exited with status " + status + " before answering " + url);
                }
                if (!reportedExit) {
                    // a script that starts a daemon and returns: what it started may still come up
                    say("the server script exited (status 0); waiting for what it started to answer");
                    reportedExit = true;
                }
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw failure("the model server did not answer " + url + " within " + human(options.startTimeout())
                        + " (--server-start-timeout); last probe: " + describe(last));
            }
            if (now - nextProgress >= 0) {
                String line = ours == null ? "" : lastLine();
                say("waiting for the model server (" + seconds(now - begin) + " of " + human(options.startTimeout())
                        + ")" + (line.isEmpty() ? "" : ": " + line));
                nextProgress = now + options.progressEvery().toNanos();
            }
            Thread.sleep(Math.max(1, Math.min(options.pollInterval().toMillis(),
                    Duration.ofNanos(deadline - now).toMillis())));
        }
    }

    private StartFailure failure(String what) {
        StringBuilder message = new StringBuilder(what);
        if (started != null) {
            List<String> tail = tail(options.log(), logOffset, TAIL_LINES);
            message.append("\nlast ").append(tail.size()).append(" lines of ").append(options.log()).append(':');
            for (String line : tail) {
                message.append("\n  ").append(line);
            }
        }
        return new StartFailure(message.toString());
    }

    /** Stops the server if anyclaude started it; a server it found running is left alone. */
    @Override
    public void close() throws InterruptedException {
        ProcessGroup group = started;
        if (group != null) {
            group.stop(options.stopGrace());
        }
    }

    private String lastLine() {
        List<String> lines = tail(options.log(), logOffset, 1);
        if (lines.isEmpty()) {
            return "";
        }
        String line = lines.get(0).strip();
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }

    /** The last {@code n} lines written to {@code file} after {@code offset} (at most its last 64 KiB). */
    static List<String> tail(Path file, long offset, int n) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(offset, length - 64 * 1024);
            byte[] bytes = new byte[(int) Math.max(0, length - from)];
            in.seek(from);
            in.readFully(bytes);
            // a carriage return redraws a progress bar: keep what the last redraw shows
            List<String> lines = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                String shown = trimmed.substring(trimmed.lastIndexOf('\r') + 1);
                if (!shown.isBlank() && !shown.startsWith("=== anyclaude ")) {
                    lines.add(shown);
                }
            }
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String describe(ServerProbe.Result result) {
        return switch (result) {
            case ServerProbe.Answered a -> "HTTP " + a.status();
            case ServerProbe.Unreachable u -> u.reason();
        };
    }

    private void say(String line) {
        progress.println("anyclaude: " + line);
        progress.flush();
    }

    private static String seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds() + "s";
    }

    static String human(Duration d) {
        if (d.toMillis() % 60_000 == 0 && d.toMinutes() > 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
