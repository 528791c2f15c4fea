package dev.anyclaude.server;

import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.StreamEventSink;
import dev.anyclaude.stream.DownstreamGoneException;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes Anthropic events to the client as SSE, one flush per event. The 200 and the headers are
 * committed with the first event; if that first event is an error, the client gets a proper HTTP
 * error instead, so status-based retries (SDKs, Claude Code) still work. A failed write means the
 * client has gone: it surfaces as {@link DownstreamGoneException} so the caller can cancel the upstream.
 */
final class SseResponse implements StreamEventSink, KeepAlive {
    private static final byte[] PING = SseEncoder.encode(new StreamEvent.Ping());

    private final ServerResponse res;
    private final String requestId;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private boolean httpError;
    private boolean closed;
    private long lastWrite = System.nanoTime();

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
            out.write(SseEncoder.encode(event));
            out.flush();
            lastWrite = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection with its own unchecked exceptions as well
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a {@code ping} if the stream is committed and nothing was written for {@code idleNanos}.
     * Skips when another write is in progress: the stream is not idle then.
     *
     * @throws DownstreamGoneException when the write fails: the client has gone
     */
    @Override
    public void pingIfIdle(long idleNanos) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (out == null || closed || System.nanoTime() - lastWrite < idleNanos) {
                return;
            }
            out.write(PING);
            out.flush();
            lastWrite = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            throw new DownstreamGoneException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean committed() {
        return out != null || httpError;
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
