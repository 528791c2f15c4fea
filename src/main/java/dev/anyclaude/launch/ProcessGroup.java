package dev.anyclaude.launch;

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
import java.util.stream.Stream;

/**
 * A command started in a process group of its own, so that it and everything it starts can be stopped together,
 * and so that the terminal's Ctrl-C (sent to the foreground group) never reaches it.
 *
 * <p>The group comes from {@code setsid} (util-linux, on every Linux); where there is none (macOS) from
 * {@code perl -e 'setpgrp'}; where neither exists the command runs in anyclaude's own group and is stopped as a
 * process tree instead. The command's pid is its group id: {@code setsid} and {@code perl} exec it in place.
 *
 * <p>{@link #stop} sends SIGTERM to the group, waits the grace period, then sends SIGKILL; processes that were
 * descendants when it began but left the group are stopped the same way. Signals go to a group through
 * {@code sh -c 'kill -s SIG -- -PGID'}: Java can only signal single processes.
 */
public final class ProcessGroup implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);

    private final Process process;
    private final boolean isolated;

    private ProcessGroup(Process process, boolean isolated) {
        this.process = process;
        this.isolated = isolated;
    }

    /**
     * Starts {@code argv} with exactly the environment {@code env}, stdin from {@code /dev/null} and stdout and
     * stderr appended to {@code log}.
     */
    public static ProcessGroup start(List<String> argv, Map<String, String> env, Path workingDir, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        String pathVariable = env.getOrDefault("PATH", System.getenv("PATH"));
        boolean isolated = true;
        var setsid = ClaudeBinary.onPath("setsid", pathVariable);
        var perl = ClaudeBinary.onPath("perl", pathVariable);
        if (setsid.isPresent()) {
            command.add(setsid.get().toString());
        } else if (perl.isPresent()) {
            command.addAll(List.of(perl.get().toString(), "-e",
                    "setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die qq(cannot run $ARGV[0]: $!\\n)", "--"));
        } else {
            isolated = false;
        }
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        ProcessGroup group = new ProcessGroup(builder.start(), isolated);
        if (isolated) {
            group.awaitOwnGroup();
        }
        return group;
    }

    /**
     * {@code setsid} makes the group only after it was exec'd, a moment after {@code start} returns: wait for it
     * (bounded; Linux only), so that stopping right away reaches the whole group.
     */
    private void awaitOwnGroup() {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            ProcStat stat = ProcStat.read(process.pid());
            if (stat == null || stat.pgrp() == process.pid()) {
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    /** True when the command has a process group of its own (its id is {@link #pid()}). */
    public boolean isolated() {
        return isolated;
    }

    public Process process() {
        return process;
    }

    /** True while the process anyclaude started runs; what it started may outlive it (see {@link #anyAlive}). */
    public boolean leaderAlive() {
        return process.isAlive();
    }

    /** True while any process of the group runs (zombies do not count). */
    public boolean anyAlive() {
        if (process.isAlive()) {
            return true;
        }
        return isolated && groupAlive(pid());
    }

    /** SIGTERM to the group; after {@code grace}, SIGKILL. Returns once nothing of it is left, or after a bound. */
    public void stop(Duration grace) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        signal("TERM");
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (awaitGone(descendants, grace)) {
            return;
        }
        signal("KILL");
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitGone(descendants, AFTER_KILL);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(5));
    }

    private boolean awaitGone(List<ProcessHandle> descendants, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            boolean alive = anyAlive() || descendants.stream().anyMatch(ProcessGroup::running);
            if (!alive) {
                process.waitFor(1, TimeUnit.SECONDS);
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private void signal(String name) throws InterruptedException {
        if (isolated) {
            signalGroup(pid(), name);
        }
    }

    /** Sends SIG{@code name} to process group {@code pgid}; false when there was no such group. */
    static boolean signalGroup(long pgid, String name) throws InterruptedException {
        return shellKill("kill -s " + name + " -- -" + pgid);
    }

    /** Sends SIG{@code name} to one process. */
    public static boolean signalProcess(long pid, String name) throws InterruptedException {
        return shellKill("kill -s " + name + " " + pid);
    }

    private static boolean shellKill(String script) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", script + " 2>/dev/null")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return false;
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** True while a process of group {@code pgid} runs; zombies, which only wait for their parent, do not count. */
    static boolean groupAlive(long pgid) {
        Path proc = Path.of("/proc");
        if (Files.isDirectory(proc.resolve("self"))) {
            return !members(pgid).isEmpty();
        }
        try {
            return shellKill("kill -s 0 -- -" + pgid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The live (not zombie) processes of group {@code pgid}, from {@code /proc} (Linux). */
    public static List<Long> members(long pgid) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.forEach(entry -> {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    return;
                }
                ProcStat stat = ProcStat.read(Long.parseLong(name));
                if (stat != null && stat.pgrp() == pgid && stat.state() != 'Z' && stat.state() != 'X') {
                    pids.add(stat.pid());
                }
            });
        } catch (IOException e) {
            // no /proc: callers fall back on kill -0
        }
        return pids;
    }

    /** True when the process runs and is not a zombie. */
    public static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        ProcStat stat = ProcStat.read(handle.pid());
        if (stat == null) {
            // gone since isAlive, or a system without /proc, where isAlive is all there is to know
            return !Files.isDirectory(Path.of("/proc/self"));
        }
        return stat.state() != 'Z' && stat.state() != 'X';
    }

    /** The fields of {@code /proc/PID/stat} that matter here. */
    record ProcStat(long pid, char state, long ppid, long pgrp) {
        static ProcStat read(long pid) {
            try {
                String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
                // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'
                int close = line.lastIndexOf(')');
                String[] fields = line.substring(close + 2).split(" ");
                return new ProcStat(pid, fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[2]));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
