package dev.anyclaude.server;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.stream.DownstreamGoneException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    /** The start of the line being written (enough to tell its event's name). */
    private final byte[] line = new byte[32];
    private int lineLength;
    /** An {@code event: message_stop} or {@code event: error} line has been written: nothing may follow. */
    private boolean ended;

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
                    ended |= lastEvent();
                    lineLength = 0;
                } else if (b != '\r') {
                    trailingNewlines = 0;
                    if (lineLength < line.length) {
                        line[lineLength++] = b;
                    }
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

    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_STOP = "message_stop".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "error".getBytes(StandardCharsets.US_ASCII);

    /** Whether the line just ended names the stream's last event ({@code event: message_stop}, {@code event: error}). */
    private boolean lastEvent() {
        if (!eventStream || lineLength < EVENT.length || !Arrays.equals(line, 0, EVENT.length, EVENT, 0, EVENT.length)) {
            return false;
        }
        int name = lineLength > EVENT.length && line[EVENT.length] == ' ' ? EVENT.length + 1 : EVENT.length;
        return Arrays.equals(line, name, lineLength, MESSAGE_STOP, 0, MESSAGE_STOP.length)
                || Arrays.equals(line, name, lineLength, ERROR, 0, ERROR.length);
    }

    /**
     * A ping goes only into an event stream, only between two whole events, and not after the stream's last
     * event (a heartbeat firing between it and the close would otherwise add one after the end).
     */
    @Override
    protected OutputStream pingTarget() {
        return eventStream && !closed && !ended && trailingNewlines >= 2 ? out : null;
    }

    /**
     * Ends an event stream that the upstream cut short with an {@code error} event saying why; one that had
     * its last event already is left as it is.
     */
    void fail(ApiError error) {
        if (!eventStream) {
            return;
        }
        lock.lock();
        try {
            if (ended) {
                return;
            }
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
