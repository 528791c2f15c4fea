package dev.anyclaude.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One thread watching every stream: pings, commits, a gone client, and a stuck client that stalls no other. */
class HeartbeatsTest {
    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final long WAIT_SECONDS = 10;

    private final Heartbeats heartbeats = new Heartbeats(INTERVAL);

    @AfterEach
    void close() {
        heartbeats.close();
    }

    /** A stream whose pings go to {@code out}; committed when told. */
    private static final class Stream extends KeepAlive {
        final OutputStream out;
        volatile boolean committed;

        Stream(OutputStream out, boolean committed) {
            this.out = out;
            this.committed = committed;
        }

        @Override
        boolean committed() {
            return committed;
        }

        @Override
        protected OutputStream pingTarget() {
            return committed ? out : null;
        }
    }

    /** Counts the pings written to it, and counts down a latch on each. */
    private static final class Pings extends OutputStream {
        final AtomicInteger count = new AtomicInteger();
        final CountDownLatch latch;

        Pings(int wanted) {
            latch = new CountDownLatch(wanted);
        }

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException("whole events only");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            assertThat(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8)).startsWith("event: ping");
            count.incrementAndGet();
            latch.countDown();
        }
    }

    @Test
    void closingEndsTheLookingThreadBeforeItReturns() {
        Heartbeats other = new Heartbeats(INTERVAL);
        assertThat(other.running()).isTrue();

        other.close();

        assertThat(other.running()).as("the looking thread, once close has returned").isFalse();
    }

    @Test
    void aSilentCommittedStreamGetsPingsUntilItsBeatIsClosed() throws Exception {
        Pings pings = new Pings(3);
        Heartbeats.Beat beat = heartbeats.watch(new Stream(pings, true), () -> false, () -> false, () -> { });
        assertThat(pings.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("three pings").isTrue();
        beat.close();
        assertThat(heartbeats.watched()).isZero();
        int after = pings.count.get();
        // a look that had already begun may still write one
        Pings next = new Pings(3);
        heartbeats.watch(new Stream(next, true), () -> false, () -> false, () -> { });
        assertThat(next.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pings.count.get()).as("pings to the closed stream").isLessThanOrEqualTo(after + 1);
    }

    @Test
    void aStreamIsCommittedOnlyOnceItsCommitIsDueThenPinged() throws Exception {
        Pings pings = new Pings(1);
        Stream stream = new Stream(pings, false);
        AtomicBoolean due = new AtomicBoolean();
        AtomicInteger commits = new AtomicInteger();
        CountDownLatch looked = new CountDownLatch(5);
        heartbeats.watch(stream, () -> {
            looked.countDown();
            return due.get();
        }, () -> {
            commits.incrementAndGet();
            stream.committed = true;
            return true;
        }, () -> { });
        assertThat(looked.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("looked at five times").isTrue();
        assertThat(commits).as("commits while not due").hasValue(0);
        assertThat(pings.count).hasValue(0);
        due.set(true);
        assertThat(pings.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("a ping once committed").isTrue();
        assertThat(commits).hasValue(1);
    }

    @Test
    void aPingThatFailsReportsTheClientGoneOnceAndStopsWatching() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        AtomicInteger goneCalls = new AtomicInteger();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        heartbeats.watch(new Stream(broken, true), () -> false, () -> false, () -> {
            goneCalls.incrementAndGet();
            gone.countDown();
        });
        assertThat(gone.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        // another stream's three pings: many looks later, the gone one was not acted on again
        Pings pings = new Pings(3);
        heartbeats.watch(new Stream(pings, true), () -> false, () -> false, () -> { });
        assertThat(pings.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(goneCalls).hasValue(1);
        assertThat(heartbeats.watched()).isEqualTo(1);
    }

    @Test
    void aCommitThatThrowsStopsWatchingThatStreamOnly() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        CountDownLatch tried = new CountDownLatch(1);
        heartbeats.watch(new Stream(new Pings(1), false), () -> true, () -> {
            commits.incrementAndGet();
            tried.countDown();
            throw new IllegalStateException("the assembler refused");
        }, () -> { });
        assertThat(tried.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Pings pings = new Pings(3);
        heartbeats.watch(new Stream(pings, true), () -> false, () -> false, () -> { });
        assertThat(pings.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the other stream's pings").isTrue();
        assertThat(commits).as("commits tried on the failing stream").hasValue(1);
        assertThat(heartbeats.watched()).isEqualTo(1);
    }

    @Test
    void aClientThatDoesNotReadHoldsUpNoOtherStreamsPings() throws Exception {
        CountDownLatch stuckWrites = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger stuckCalls = new AtomicInteger();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                stuckCalls.incrementAndGet();
                stuckWrites.countDown();
                try {
                    release.await(); // a full socket buffer: the write blocks until the client reads
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        heartbeats.watch(new Stream(stuck, true), () -> false, () -> false, () -> { });
        try {
            assertThat(stuckWrites.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the stuck ping began").isTrue();
            Pings pings = new Pings(5);
            heartbeats.watch(new Stream(pings, true), () -> false, () -> false, () -> { });
            assertThat(pings.latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the other stream's pings").isTrue();
            assertThat(stuckCalls).as("pings started on the stuck stream (one at a time)").hasValue(1);
        } finally {
            release.countDown();
        }
    }
}
