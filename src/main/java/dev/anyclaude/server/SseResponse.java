package dev.anyclaude.server;

import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.StreamEventSink;
import dev.anyclaude.stream.DownstreamGoneException;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes Anthropic events to the client as SSE, one flush per event, or per batch of events accepted between
 * {@link #hold} and {@link #release} (what one upstream event became). The 200 and the headers are
 * committed with the first event; if that first event is an error, the client gets a proper HTTP
 * error instead, so status-based retries (SDKs, Claude Code) still work. A failed write means the
 * client has gone: it surfaces as {@link DownstreamGoneException} so the caller can cancel the upstream.
 */
final class SseResponse extends KeepAlive implements StreamEventSink {

    private final ServerResponse res;
    private final String requestId;
    private OutputStream out;
    private boolean httpError;
    private boolean closed;
    /** The stream's last event (message_stop, or an error event) has been accepted: nothing may follow it. */
    private boolean ended;
    /** Events accepted while held, not yet written; guarded by {@link #lock}. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream(1024);
    private int holds;

    SseResponse(ServerResponse res, String requestId) {
        this.res = res;
        this.requestId = requestId;
    }

    @Override
    public void accept(StreamEvent event) {
        lock.lock();
        try {
            if (httpError) {
                return;
            }
            if (out == null) {
                if (event instanceof StreamEvent.Error error) {
                    httpError = true;
                    HttpErrors.send(res, error.error(), requestId);
                    return;
                }
                res.status(200);
                res.header("content-type", "text/event-stream; charset=utf-8");
                res.header("cache-control", "no-cache");
                res.header("x-accel-buffering", "no");
                res.header("request-id", requestId);
                out = res.outputStream();
            }
            byte[] bytes = SseEncoder.encode(event);
            ended |= event instanceof StreamEvent.MessageStop || event instanceof StreamEvent.Error;
            if (holds > 0) {
                held.write(bytes);
            } else {
                send(out, bytes, 0, bytes.length);
            }
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection with its own unchecked exceptions as well
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps the events accepted from now until the matching {@link #release} in one write: the first text of
     * an answer becomes {@code message_start}, {@code content_block_start} and its delta, and the client gets
     * them in one piece rather than three writes apart. Holds {@link #lock} until then, so no ping comes between.
     */
    void hold() {
        lock.lock();
        holds++;
    }

    /**
     * Ends a {@link #hold}; the outermost one writes what was held.
     *
     * @throws DownstreamGoneException when the write fails: the client has gone
     */
    void release() {
        try {
            if (--holds == 0 && held.size() > 0) {
                send(out, held);
            }
        } catch (IOException | RuntimeException e) {
            held.reset();
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    boolean committed() {
        return out != null || httpError;
    }

    /**
     * A ping goes once the stream has started, and not after its last event (a heartbeat that fires between the
     * last event and {@link #close} would otherwise add one after {@code message_stop}), an HTTP error or the
     * close. (Never amid held events either: a hold keeps {@link #lock}, which a ping only tries for.)
     */
    @Override
    protected OutputStream pingTarget() {
        return closed || ended ? null : out;
    }

    /** Ends the response; safe when nothing was written. */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (out != null) {
                out.close();
            }
        } catch (IOException | RuntimeException e) {
            // the client is gone; nothing left to tell it
        } finally {
            lock.unlock();
        }
    }

}
