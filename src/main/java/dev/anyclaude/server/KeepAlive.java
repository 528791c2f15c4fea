package dev.anyclaude.server;

import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.stream.DownstreamGoneException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client stream that {@link Heartbeats} can keep alive: every write goes through {@link #send} under
 * {@link #lock}, which notes when the client last got something, and {@link #pingIfIdle} adds a {@code ping}
 * after a silence, where the stream says one may go ({@link #pingTarget}).
 */
abstract class KeepAlive {
    private static final byte[] PING = SseEncoder.encode(new StreamEvent.Ping());

    /** Held for every write; a ping is skipped, not waited for, while a write is in progress. */
    protected final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}, read without it by {@link Heartbeats}. */
    private volatile long lastWrite = System.nanoTime();

    /** Whether the response has started, so that a ping may be written. */
    abstract boolean committed();

    /** Where a ping may be written now (between whole events of a started, open stream), else null. Lock held. */
    protected abstract OutputStream pingTarget();

    /** Writes and flushes {@code bytes}; the caller holds {@link #lock}. */
    protected final void send(OutputStream out, byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        flushed(out);
    }

    /** Writes and flushes what {@code bytes} holds, as one write, and empties it; the caller holds {@link #lock}. */
    protected final void send(OutputStream out, ByteArrayOutputStream bytes) throws IOException {
        bytes.writeTo(out);
        bytes.reset();
        flushed(out);
    }

    private void flushed(OutputStream out) throws IOException {
        out.flush();
        lastWrite = System.nanoTime();
    }

    /** True when nothing was written for {@code nanos}: a ping may be due (a read only, no lock). */
    final boolean silentFor(long nanos) {
        return System.nanoTime() - lastWrite >= nanos;
    }

    /**
     * Writes a {@code ping} if nothing was written for {@code idleNanos}. Skips when another write is in
     * progress: the stream is not idle then.
     *
     * @throws DownstreamGoneException when the write fails: the client has gone
     */
    final void pingIfIdle(long idleNanos) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            OutputStream out = pingTarget();
            if (out == null || System.nanoTime() - lastWrite < idleNanos) {
                return;
            }
            send(out, PING, 0, PING.length);
        } catch (IOException | RuntimeException e) {
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }
}
