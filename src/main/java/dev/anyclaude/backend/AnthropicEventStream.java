package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.stream.ModelEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;

/**
 * A decoded Anthropic-protocol response: reads the upstream body (SSE, or one JSON message from a
 * server that ignored {@code stream:true}) and emits model events through an {@link AnthropicEventDecoder}.
 */
final class AnthropicEventStream implements UpstreamReply.Events {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicEventStream.class);
    /** A whole non-streamed message; far above any real answer, it only bounds memory. */
    private static final int MAX_JSON = 32 * 1024 * 1024;

    private final StreamBody body;
    private final boolean json;
    private final String backendName;
    private final Integer requestedMaxTokens;
    private final String model;

    private final CallControl control;
    private final UpstreamHttp http;

    AnthropicEventStream(InputStream body, boolean json, String backendName, Integer requestedMaxTokens,
                         String model, CallControl control, UpstreamHttp http) {
        this.control = control;
        this.http = http;
        this.body = new StreamBody(body);
        this.json = json;
        this.backendName = backendName;
        this.requestedMaxTokens = requestedMaxTokens;
        this.model = model;
    }

    @Override
    public void pump(ModelEventSink sink) {
        AnthropicEventDecoder decoder = new AnthropicEventDecoder(control.observing(sink), requestedMaxTokens, model);
        try {
            if (json) {
                decodeMessage(decoder);
            } else {
                SseBody.pump(body.in(), decoder, backendName, control);
                if (decoder.completed() && !control.aborted()) {
                    body.answerComplete(http); // the end of a kept connection's body follows message_stop
                }
            }
        } finally {
            control.attemptEnded();
            close();
        }
    }

    private void decodeMessage(AnthropicEventDecoder decoder) {
        byte[] bytes;
        try {
            bytes = body.in().readNBytes(MAX_JSON);
        } catch (IOException e) {
            decoder.fail(control.aborted() ? control.abortError()
                    : ApiError.overloaded(backendName + " upstream connection lost mid-response: "
                    + UpstreamHttp.reason(e)));
            return;
        }
        if (bytes.length == 0) {
            LOG.warn("{}: upstream answered HTTP 200 with an empty body", backendName);
            decoder.fail(ApiError.apiError(backendName + " upstream answered HTTP 200 with an empty body"));
            return;
        }
        JsonNode message;
        try {
            message = Json.parse(bytes);
        } catch (JacksonException e) {
            LOG.warn("{}: upstream sent a response that is not JSON", backendName);
            decoder.fail(ApiError.apiError(backendName + " upstream sent a response that is not JSON"));
            return;
        }
        decoder.message(message);
    }

    @Override
    public void close() {
        body.close();
    }
}
