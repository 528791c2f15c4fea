package dev.anyclaude.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code claude} in anyclaude's terminal: stdin, stdout and stderr inherited, so that interactive use is exactly
 * that of plain {@code claude}. While it runs, {@link #onSignal} decides what becomes of a signal anyclaude gets:
 * SIGINT is left to Claude Code (the terminal sent it to both), SIGTERM and SIGHUP are passed on so that it ends
 * first, and it is killed if it has not ended after the grace period.
 */
public final class ClaudeProcess {

    private final Process process;
    private final Duration grace;
    private volatile Signals.Kind forwarded;

    private ClaudeProcess(Process process, Duration grace) {
        this.process = process;
        this.grace = grace;
    }

    /** Starts {@code claude args...} with exactly {@code env}, in the current directory, on this terminal. */
    public static ClaudeProcess start(Path claude, List<String> args, Map<String, String> env, Duration grace)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(claude.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(env);
        return new ClaudeProcess(builder.start(), grace);
    }

    public long pid() {
        return process.pid();
    }

    /** The signal that was passed on to claude, if any. */
    public Signals.Kind forwarded() {
        return forwarded;
    }

    /** What a signal to anyclaude does while claude runs. */
    public void onSignal(Signals.Kind kind) {
        switch (kind) {
            case INT -> {
                // The terminal sent Ctrl-C to the whole foreground group: claude got it too and decides.
            }
            case TERM, HUP -> {
                forwarded = kind;
                try {
                    if (kind == Signals.Kind.TERM) {
                        process.destroy();
                    } else {
                        ProcessGroup.signalProcess(process.pid(), kind.name());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Thread.ofVirtual().name("claude-stop-deadline").start(this::killAfterGrace);
            }
        }
    }

    private void killAfterGrace() {
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /**
     * Waits for claude to exit; its exit status (128 + n when signal n ended it). An interrupt kills it:
     * anyclaude is going away and must not leave it behind.
     */
    public int waitFor() throws InterruptedException {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
    }

    /** SIGTERM, then SIGKILL after the grace period; returns once it has exited. */
    public void kill() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
