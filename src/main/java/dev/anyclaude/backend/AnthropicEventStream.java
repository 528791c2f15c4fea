package dev.anyclaude.backend;

import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.stream.ModelEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A decoded Anthropic-protocol response: reads the upstream body (SSE, or one JSON message from a
 * server that ignored {@code stream:true}) and emits model events through an {@link AnthropicEventDecoder}.
 */
final class AnthropicEventStream implements UpstreamReply.Events {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicEventStream.class);
    private static final int BUFFER = 8 * 1024;
    /** A whole non-streamed message; far above any real answer, it only bounds memory. */
    private static final int MAX_JSON = 32 * 1024 * 1024;

    private final InputStream body;
    private final boolean json;
    private final String backendName;
    private final Integer requestedMaxTokens;
    private final String model;
    private final AtomicBoolean closed = new AtomicBoolean();

    AnthropicEventStream(InputStream body, boolean json, String backendName, Integer requestedMaxTokens,
                         String model) {
        this.body = body;
        this.json = json;
        this.backendName = backendName;
        this.requestedMaxTokens = requestedMaxTokens;
        this.model = model;
    }

    @Override
    public void pump(ModelEventSink sink) {
        AnthropicEventDecoder decoder = new AnthropicEventDecoder(sink, requestedMaxTokens, model);
        try {
            if (json) {
                decodeMessage(decoder);
            } else {
                decodeStream(decoder);
            }
        } catch (IOException e) {
            if (!decoder.ended()) {
                LOG.debug("{} upstream read failed", backendName, e);
                decoder.fail(ApiError.overloaded(backendName + " upstream connection lost mid-response: " + e));
            }
        } catch (RuntimeException e) {
            // The contract promises one Finish or Failure whatever happens; a bug here must not leave the client hanging.
            LOG.warn("{} upstream response could not be decoded", backendName, e);
            decoder.fail(ApiError.apiError(backendName + " upstream response could not be decoded: " + e));
        } finally {
            close();
        }
    }

    private void decodeStream(AnthropicEventDecoder decoder) throws IOException {
        SseParser parser = new SseParser(decoder);
        byte[] buffer = new byte[BUFFER];
        int n;
        // Stop at message_stop rather than waiting for the server to close: nothing after it matters.
        while (!decoder.ended() && (n = body.read(buffer)) >= 0) {
            parser.feed(buffer, 0, n);
        }
        // No parser.end(): an event without its closing blank line at EOF was cut off, and the SSE spec
        // discards it; the decoder then reports the truncation (or finishes if the stop reason was in).
        decoder.end();
    }

    private void decodeMessage(AnthropicEventDecoder decoder) throws IOException {
        byte[] bytes = body.readNBytes(MAX_JSON);
        JsonNode message;
        try {
            message = Json.parse(bytes);
        } catch (JacksonException e) {
            decoder.fail(ApiError.apiError(backendName + " upstream sent a response that is not JSON"));
            return;
        }
        decoder.message(message);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                body.close();
            } catch (IOException e) {
                LOG.debug("closing the {} upstream body failed", backendName, e);
            }
        }
    }
}
