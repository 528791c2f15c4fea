package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.stream.DownstreamGoneException;
import dev.anyclaude.stream.StreamDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads an upstream SSE body into a decoder, on the caller's thread, until the decoder or the body ends. */
final class SseBody {
    private static final Logger LOG = LoggerFactory.getLogger(SseBody.class);
    private static final int BUFFER = 8 * 1024;
    /** How much of a body that holds no events is quoted back, to show what the upstream sent instead. */
    private static final int EXCERPT = 200;

    private SseBody() {
    }

    /**
     * Pumps {@code body} through an SSE parser into {@code decoder}. A lost connection, a body that is
     * empty or holds no events, an endless line, or a decoding bug still ends the flow with a Failure that
     * says what happened, so the client is never left waiting or guessing.
     */
    static void pump(InputStream body, StreamDecoder decoder, String backendName, CallControl control) {
        Counting counting = new Counting(decoder);
        SseParser parser = new SseParser(counting);
        byte[] buffer = new byte[BUFFER];
        byte[] start = new byte[EXCERPT];
        int startLength = 0;
        long total = 0;
        try {
            int n;
            // Stop as soon as the decoder has its end: nothing after it matters.
            while (!decoder.ended() && (n = body.read(buffer)) >= 0) {
                if (startLength < EXCERPT) {
                    int copy = Math.min(n, EXCERPT - startLength);
                    System.arraycopy(buffer, 0, start, startLength, copy);
                    startLength += copy;
                }
                total += n;
                parser.feed(buffer, 0, n);
            }
            parser.end();
            if (!decoder.ended() && counting.events == 0) {
                decoder.fail(nothingDecodable(backendName, total, start, startLength));
            }
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
                        + UpstreamHttp.reason(e)));
            }
        } catch (SseParser.TooLongException e) {
            LOG.warn("{}: upstream sent {}; giving up on the response", backendName, e.getMessage());
            decoder.fail(ApiError.apiError(backendName + " upstream sent an event-stream line over "
                    + e.limit() / (1024 * 1024) + " MB without a line break; the response was cut off there"));
        } catch (DownstreamGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{}: upstream response could not be decoded", backendName, e);
            decoder.fail(ApiError.apiError(backendName + " upstream response could not be decoded; the gateway"
                    + " log has the details"));
        } finally {
            if (parser.malformedLines() > 0) {
                LOG.warn("{}: upstream sent bytes that are not UTF-8 on {} line(s); they were read as U+FFFD",
                        backendName, parser.malformedLines());
            }
        }
    }

    /** A 200 whose body has no event in it: empty, or something else (an HTML page, plain text). */
    private static ApiError nothingDecodable(String backendName, long total, byte[] start, int startLength) {
        if (total == 0) {
            LOG.warn("{}: upstream answered HTTP 200 with an empty body", backendName);
            return ApiError.apiError(backendName + " upstream answered HTTP 200 with an empty body");
        }
        String excerpt = new String(start, 0, startLength, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        LOG.warn("{}: upstream response holds no server-sent events ({} bytes); it began: {}", backendName, total,
                excerpt);
        return ApiError.apiError(backendName + " upstream answered HTTP 200 without server-sent events (" + total
                + " bytes); its response began: " + excerpt + (total > startLength ? "..." : ""));
    }

    /** Counts the events (not comments) on their way to the decoder. */
    private static final class Counting implements SseParser.Listener {
        private final StreamDecoder decoder;
        private long events;

        Counting(StreamDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void onEvent(String event, String data) {
            events++;
            decoder.onEvent(event, data);
        }

        @Override
        public void onComment(String comment) {
            decoder.onComment(comment);
        }
    }
}
