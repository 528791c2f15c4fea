package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.stream.DownstreamGoneException;
import dev.anyclaude.stream.StreamDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/** Reads an upstream SSE body into a decoder, on the caller's thread, until the decoder or the body ends. */
final class SseBody {
    private static final Logger LOG = LoggerFactory.getLogger(SseBody.class);
    private static final int BUFFER = 8 * 1024;

    private SseBody() {
    }

    /**
     * Pumps {@code body} through an SSE parser into {@code decoder}. A lost connection or a decoding bug
     * still ends the flow with a Failure, so the client is never left waiting.
     */
    static void pump(InputStream body, StreamDecoder decoder, String backendName, CallControl control) {
        SseParser parser = new SseParser(decoder);
        byte[] buffer = new byte[BUFFER];
        try {
            int n;
            // Stop as soon as the decoder has its end: nothing after it matters.
            while (!decoder.ended() && (n = body.read(buffer)) >= 0) {
                parser.feed(buffer, 0, n);
            }
            parser.end();
            decoder.end();
        } catch (IOException e) {
            if (control.aborted()) {
                // a deadline, the loop guard or the client ended the call: say which, not "connection lost"
                if (!decoder.ended()) {
                    decoder.fail(control.abortError());
                }
            } else if (!decoder.ended()) {
                LOG.warn("{}: upstream connection lost mid-response: {}", backendName, e.toString());
                decoder.fail(ApiError.overloaded(backendName + " upstream connection lost mid-response: "
                        + e.getMessage()));
            }
        } catch (DownstreamGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{}: upstream response could not be decoded", backendName, e);
            decoder.fail(ApiError.apiError(backendName + " upstream response could not be decoded: " + e));
        }
    }
}
