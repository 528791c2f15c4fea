package dev.anyclaude.launch;

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

    /** Waits until group {@code pgid} has {@code count} live members (the script started its children). */
    private static List<Long> awaitMembers(long pgid, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Long> members;
        while ((members = ProcessGroup.members(pgid)).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(members).as("members of group " + pgid).hasSizeGreaterThanOrEqualTo(count);
        return members;
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
        ProcessGroup group = start("sleep 301 & sleep 302 & wait");
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
        ProcessGroup group = start("trap '' TERM; sleep 303 & sleep 304 & wait; wait");
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
        ProcessGroup group = start("setsid sleep 305 & wait");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcessHandle> descendants;
        while ((descendants = group.process().descendants().toList()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
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
