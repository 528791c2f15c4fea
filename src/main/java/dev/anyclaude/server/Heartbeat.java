package dev.anyclaude.server;

import dev.anyclaude.stream.DownstreamGoneException;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps one client stream alive while the upstream is silent. Before the stream is committed it asks
 * {@code commitIfWaiting} whether to start it (the upstream has been silent long enough); once committed it
 * sends a {@code ping} after each {@code interval} without output. Helidon only notices a closed client
 * connection when it writes, so the pings are also how a client that has gone is noticed while the upstream
 * says nothing; then {@code onGone} cancels the upstream. Runs on its own virtual thread until closed.
 */
final class Heartbeat implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stopped;

    private Heartbeat(KeepAlive sse, Duration interval, BooleanSupplier commitIfWaiting, Runnable onGone) {
        long idleNanos = interval.toNanos();
        long checkNanos = Math.max(idleNanos / 4, Duration.ofMillis(5).toNanos());
        this.thread = Thread.ofVirtual().name("heartbeat").unstarted(() -> {
            while (!stopped) {
                LockSupport.parkNanos(checkNanos);
                if (stopped) {
                    return;
                }
                try {
                    if (!sse.committed() && !commitIfWaiting.getAsBoolean()) {
                        continue;
                    }
                    sse.pingIfIdle(idleNanos);
                } catch (DownstreamGoneException gone) {
                    onGone.run();
                    return;
                }
            }
        });
    }

    /**
     * @param commitIfWaiting called while nothing was sent; commits the stream and returns true when the
     *                        upstream has kept the client waiting long enough
     */
    static Heartbeat start(KeepAlive sse, Duration interval, BooleanSupplier commitIfWaiting, Runnable onGone) {
        Heartbeat heartbeat = new Heartbeat(sse, interval, commitIfWaiting, onGone);
        heartbeat.thread.start();
        return heartbeat;
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
    }
}
