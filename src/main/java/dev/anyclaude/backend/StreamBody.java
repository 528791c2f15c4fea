package dev.anyclaude.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The upstream body of a streamed reply, closed once: by the reply's own close (an abort, the end of the call),
 * or, when the answer came complete, handed to {@link UpstreamHttp#finishReading}, which reads what follows the
 * last event so that a kept (TLS) connection goes back to the pool, and closes it then.
 */
final class StreamBody {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBody.class);

    private final InputStream body;
    private final AtomicBoolean closed = new AtomicBoolean();

    StreamBody(InputStream body) {
        this.body = body;
    }

    /** The body to read the events from. */
    InputStream in() {
        return body;
    }

    /**
     * The answer is complete: {@code http} reads the rest of the body and closes it when its connection may be
     * kept; otherwise it is closed now. Nothing when it is closed already.
     */
    void answerComplete(UpstreamHttp http) {
        if (closed.compareAndSet(false, true) && !http.finishReading(body)) {
            closeQuietly();
        }
    }

    /** Closes the body unless it was closed or handed over already. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            body.close();
        } catch (IOException e) {
            LOG.debug("closing an upstream body failed", e);
        }
    }
}
