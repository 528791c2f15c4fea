package dev.anyclaude.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Finds processes a test left behind: every live process (zombies do not count: they only wait for a parent to
 * collect them) whose working directory lies inside the test's temporary directory. Everything the launcher
 * starts — claude, a model server, their children — runs there, so this catches leaks without knowing their pids.
 * Linux only ({@code /proc}).
 */
public final class Leftovers {

    private Leftovers() {
    }

    /** Live processes whose working directory is {@code dir} or below it, as "pid cmdline" lines. */
    public static List<String> under(Path dir) {
        return pidsUnder(dir).stream().map(pid -> pid + " " + commandLine(pid)).toList();
    }

    private static List<Long> pidsUnder(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == ProcessHandle.current().pid() || !running(pid)) {
                    return;
                }
                try {
                    Path cwd = Files.readSymbolicLink(p.resolve("cwd"));
                    if (cwd.normalize().startsWith(root)) {
                        found.add(pid);
                    }
                } catch (IOException | SecurityException e) {
                    // gone, or not ours to look at
                }
            });
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /**
     * Fails unless no process runs in {@code dir} within {@code wait} (stopping takes a moment): waits for the
     * exit of the ones found (they are not this JVM's children, so the JDK watches them for us), then looks again.
     * A process that stays a zombie counts as gone, but its exit is not reported: then the wait lasts to the end.
     */
    public static void assertNoneUnder(Path dir, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Long> running;
        while (!(running = pidsUnder(dir)).isEmpty()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            if (!exited(running.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList(), remaining)) {
                break;
            }
        }
        List<String> left = under(dir);
        if (!left.isEmpty()) {
            throw new AssertionError("processes left running in " + dir + ":\n  " + String.join("\n  ", left));
        }
    }

    /**
     * Waits up to {@code wait} for the exit of {@code processes} (the JDK watches them; a zombie's exit is not
     * reported, so one left unreaped makes the wait last to the end). Callers assert on {@link #running} after.
     */
    public static void awaitExit(List<ProcessHandle> processes, Duration wait) throws InterruptedException {
        exited(processes, wait.toNanos()); // the caller reports which one still runs
    }

    /** Waits up to {@code nanos} for all of {@code processes} to exit; false when the time ran out first. */
    private static boolean exited(List<ProcessHandle> processes, long nanos) throws InterruptedException {
        CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit)
                .toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(exits).get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new AssertionError("watching " + processes + " failed", e.getCause());
        }
    }

    /** True when {@code pid} is a live process (not a zombie). */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The live processes of process group {@code pgid}. */
    public static List<Long> inGroup(long pgid) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.UTF_8);
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    char state = fields[0].charAt(0);
                    if (Long.parseLong(fields[2]) == pgid && state != 'Z' && state != 'X') {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone
                }
            });
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return pids;
    }

    public static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
