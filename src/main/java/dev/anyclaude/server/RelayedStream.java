package dev.anyclaude.server;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.stream.DownstreamGoneException;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The client side of a byte relay. The upstream's bytes pass unchanged; when the body is an event
 * stream, a {@code ping} may be added between two whole events while the upstream is silent (so a
 * client that left is noticed, as on decoded streams), and a stream cut short can be ended with an
 * {@code error} event.
 */
final class RelayedStream extends KeepAlive {

    private final OutputStream out;
    private final boolean eventStream;
    /** Newlines at the end of what was written, carriage returns not counted: two end an event. */
    private int trailingNewlines = 2;
    private boolean closed;

    RelayedStream(OutputStream out, boolean eventStream) {
        this.out = out;
        this.eventStream = eventStream;
    }

    void write(byte[] buffer, int offset, int length) {
        lock.lock();
        try {
            send(out, buffer, offset, length);
            for (int i = offset; i < offset + length; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    trailingNewlines++;
                } else if (b != '\r') {
                    trailingNewlines = 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    boolean committed() {
        return eventStream;
    }

    /** A ping goes only into an event stream, and only between two whole events. */
    @Override
    protected OutputStream pingTarget() {
        return eventStream && !closed && trailingNewlines >= 2 ? out : null;
    }

    /** Ends an event stream that the upstream cut short with an {@code error} event saying why. */
    void fail(ApiError error) {
        if (!eventStream) {
            return;
        }
        lock.lock();
        try {
            if (trailingNewlines < 2) {
                out.write(trailingNewlines == 1 ? new byte[]{'\n'} : new byte[]{'\n', '\n'});
            }
            out.write(SseEncoder.encode(new StreamEvent.Error(error)));
            out.flush();
            trailingNewlines = 2;
        } catch (IOException | RuntimeException e) {
            // the client is gone too
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            out.close();
        } catch (IOException | RuntimeException e) {
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }
}
