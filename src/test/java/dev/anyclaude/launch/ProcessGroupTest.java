package dev.anyclaude.launch;

import dev.anyclaude.testing.LauncherProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Real process trees of {@code sleep}s, started through {@code setsid}, stopped as a group. */
class ProcessGroupTest {

    @TempDir
    Path tmp;
    private final List<ProcessGroup> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (ProcessGroup group : started) {
            ProcessGroup.signalGroup(group.pid(), "KILL");
            group.process().destroyForcibly();
        }
    }

    private ProcessGroup start(String script) throws Exception {
        ProcessGroup group = ProcessGroup.start(List.of("/bin/sh", "-c", script),
                Map.of("PATH", System.getenv("PATH"), "GREETING", "hello from the group"), tmp, tmp.resolve("log.txt"));
        started.add(group);
        return group;
    }

    /**
     * The live members of group {@code pgid} once its script said {@code started} in its log (after forking its
     * children, which are members from then on), at least {@code count} of them.
     */
    private List<Long> awaitMembers(long pgid, int count) throws InterruptedException {
        awaitStarted();
        List<Long> members = ProcessGroup.members(pgid);
        assertThat(members).as("members of group " + pgid).hasSizeGreaterThanOrEqualTo(count);
        return members;
    }

    private void awaitStarted() throws InterruptedException {
        LauncherProcess.awaitContains(tmp.resolve("log.txt"), "started", Duration.ofSeconds(10));
    }

    private static boolean anyRunning(List<Long> pids) {
        return pids.stream().map(ProcessHandle::of)
                .anyMatch(h -> h.isPresent() && ProcessGroup.running(h.get()));
    }

    @Test
    void theCommandLeadsAGroupOfItsOwn() throws Exception {
        ProcessGroup group = start("sleep 300");

        assertThat(group.isolated()).isTrue();
        ProcessGroup.ProcStat stat = ProcessGroup.ProcStat.read(group.pid());
        assertThat(stat).isNotNull();
        assertThat(stat.pgrp()).as("process group id").isEqualTo(group.pid());
        ProcessGroup.ProcStat ours = ProcessGroup.ProcStat.read(ProcessHandle.current().pid());
        assertThat(stat.pgrp()).isNotEqualTo(ours.pgrp());
    }

    @Test
    void stopEndsTheWholeTree() throws Exception {
        ProcessGroup group = start("sleep 301 & sleep 302 & echo started; wait");
        List<Long> members = awaitMembers(group.pid(), 3);

        long begin = System.nanoTime();
        group.stop(Duration.ofSeconds(5));

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("SIGTERM suffices").isLessThan(Duration.ofSeconds(4));
        assertThat(ProcessGroup.members(group.pid())).isEmpty();
        assertThat(anyRunning(members)).isFalse();
        assertThat(group.anyAlive()).isFalse();
    }

    @Test
    void aTreeThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        ProcessGroup group = start("trap '' TERM; sleep 303 & sleep 304 & echo started; wait; wait");
        List<Long> members = awaitMembers(group.pid(), 3);

        long begin = System.nanoTime();
        group.stop(Duration.ofMillis(700));
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(Duration.ofSeconds(6));
        assertThat(ProcessGroup.members(group.pid())).isEmpty();
        assertThat(anyRunning(members)).isFalse();
    }

    @Test
    void aChildThatLeftTheGroupIsStoppedToo() throws Exception {
        ProcessGroup group = start("setsid sleep 305 & echo started; wait");
        awaitStarted();
        List<ProcessHandle> descendants = group.process().descendants().toList();
        assertThat(descendants).isNotEmpty();
        List<Long> pids = descendants.stream().map(ProcessHandle::pid).toList();

        group.stop(Duration.ofSeconds(5));

        assertThat(anyRunning(pids)).isFalse();
    }

    @Test
    void outputIsAppendedToTheLogAndTheEnvironmentIsExactlyTheOneGiven() throws Exception {
        Files.writeString(tmp.resolve("log.txt"), "earlier run\n");
        ProcessGroup group = start("echo \"$GREETING\"; echo \"home=${HOME:-unset}\"; echo oops >&2");

        assertThat(group.process().waitFor()).isZero();

        assertThat(Files.readString(tmp.resolve("log.txt"), StandardCharsets.UTF_8))
                .isEqualTo("earlier run\nhello from the group\nhome=unset\noops\n");
    }

    @Test
    void stoppingAGroupThatAlreadyEndedIsQuick() throws Exception {
        ProcessGroup group = start("exit 0");
        group.process().waitFor();

        long begin = System.nanoTime();
        group.stop(Duration.ofSeconds(5));

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(2));
    }
}
