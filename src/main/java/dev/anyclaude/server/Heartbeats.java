package dev.anyclaude.server;

import dev.anyclaude.backend.Threads;
import dev.anyclaude.stream.DownstreamGoneException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Keeps a gateway's client streams alive while their upstreams are silent. Before a stream is committed it
 * starts it once {@code commitDue} says the upstream has kept the client waiting long enough; once committed, a
 * stream silent for the ping interval gets a {@code ping}. Helidon only notices a closed client connection when
 * it writes, so the pings are also how a client that has gone is noticed while the upstream says nothing; then
 * the stream's {@code onGone} cancels its upstream.
 *
 * <p>One platform thread looks at every open stream each quarter of the interval (5 ms at least), with reads
 * only. What it finds due (a commit, a ping: socket writes, which block on a client that does not read) runs on
 * a virtual thread of its own, one at a time per stream, so that a stuck client never holds up another's pings.
 * Streams whose tokens flow are only looked at. This replaced a virtual thread per stream, which woke four times
 * per interval and whose start was 36-40 us of every request's time to first token (docs/BENCHMARKS.md).
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final long idleNanos;
    private final long checkNanos;
    private final Set<Beat> beats = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopped;

    /** Starts the looking thread; {@code interval} is the silence after which a committed stream gets a ping. */
    Heartbeats(Duration interval) {
        this.idleNanos = interval.toNanos();
        this.checkNanos = Math.max(idleNanos / 4, Duration.ofMillis(5).toNanos());
        this.thread = Thread.ofPlatform().daemon().name("anyclaude-heartbeats").start(this::run);
    }

    /**
     * Keeps {@code sse} alive until the returned beat is closed.
     *
     * @param commitDue called (often, on the looking thread: it must be quick and not block) while the stream is
     *                  not committed; true when the upstream has kept the client waiting long enough
     * @param commit    starts the stream; true once it is started
     * @param onGone    called once when a ping finds the client gone; the beat stops then
     */
    Beat watch(KeepAlive sse, BooleanSupplier commitDue, BooleanSupplier commit, Runnable onGone) {
        Beat beat = new Beat(sse, commitDue, commit, onGone);
        beats.add(beat);
        return beat;
    }

    /** How many streams are watched (for tests). */
    int watched() {
        return beats.size();
    }

    private void run() {
        while (!stopped) {
            LockSupport.parkNanos(checkNanos);
            for (Beat beat : beats) {
                try {
                    beat.look();
                } catch (RuntimeException e) {
                    // a check that threw, or a virtual thread that could not be started: the next look tries again
                    LOG.debug("heartbeat check failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        Threads.awaitEnd(thread);
    }

    /** Whether the looking thread still runs (for tests: a closed one has ended). */
    boolean running() {
        return thread.isAlive();
    }

    /** One watched stream; closing it stops the watching (a write already started finishes). */
    final class Beat implements AutoCloseable {
        private final KeepAlive sse;
        private final BooleanSupplier commitDue;
        private final BooleanSupplier commit;
        private final Runnable onGone;
        private final AtomicBoolean acting = new AtomicBoolean();
        private volatile boolean closed;

        private Beat(KeepAlive sse, BooleanSupplier commitDue, BooleanSupplier commit, Runnable onGone) {
            this.sse = sse;
            this.commitDue = commitDue;
            this.commit = commit;
            this.onGone = onGone;
        }

        /** On the looking thread: reads only; hands what is due to a virtual thread. */
        private void look() {
            if (closed || acting.get()) {
                return;
            }
            boolean due = sse.committed() ? sse.silentFor(idleNanos) : commitDue.getAsBoolean();
            if (due && acting.compareAndSet(false, true)) {
                try {
                    Thread.ofVirtual().name("heartbeat").start(this::act);
                } catch (RuntimeException e) {
                    acting.set(false);
                    throw e;
                }
            }
        }

        private void act() {
            try {
                if (closed || !sse.committed() && !commit.getAsBoolean()) {
                    return;
                }
                sse.pingIfIdle(idleNanos);
            } catch (DownstreamGoneException gone) {
                close();
                onGone.run();
            } catch (RuntimeException e) {
                // a commit that failed (the stream reports its own errors): this stream is not watched any more
                LOG.warn("keeping a client stream alive failed: {}", e.toString());
                close();
            } finally {
                acting.set(false);
            }
        }

        @Override
        public void close() {
            closed = true;
            beats.remove(this);
        }
    }
}
