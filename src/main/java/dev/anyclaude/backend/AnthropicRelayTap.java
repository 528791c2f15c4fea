package dev.anyclaude.backend;

import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches the bytes of a relayed Anthropic response without changing them, and logs one line at the
 * end: usage and stop reason for a success (SSE or JSON), error type and message for a failure. The
 * relay itself never depends on this: bytes it cannot parse are only logged about.
 */
final class AnthropicRelayTap implements UpstreamReply.RelayTap, SseParser.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicRelayTap.class);
    /** A JSON body longer than this is relayed but not parsed for the log line. */
    private static final int MAX_JSON = 8 * 1024 * 1024;

    private final String backendName;
    private final int status;
    private final boolean sse;
    private final SseParser parser;
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private final AtomicBoolean ended = new AtomicBoolean();
    private boolean jsonTooLong;
    private boolean broken;
    private Long input;
    private Long output;
    private Long cacheRead;
    private Long cacheCreation;
    private String stopReason;
    private String error;

    AnthropicRelayTap(String backendName, int status, String contentType) {
        this.backendName = backendName;
        this.status = status;
        this.sse = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("text/event-stream");
        this.parser = sse ? new SseParser(this) : null;
    }

    @Override
    public void bytes(byte[] buffer, int offset, int length) {
        if (broken) {
            return;
        }
        try {
            tap(buffer, offset, length);
        } catch (RuntimeException e) {
            // An endless line or odd JSON must not break the relay this only watches.
            broken = true;
            LOG.warn("{} relay: stopped reading the response for the log ({})", backendName, e.getMessage());
        }
    }

    private void tap(byte[] buffer, int offset, int length) {
        if (sse) {
            parser.feed(buffer, offset, length);
        } else if (!jsonTooLong) {
            if (json.size() + length > MAX_JSON) {
                jsonTooLong = true;
                json.reset();
            } else {
                json.write(buffer, offset, length);
            }
        }
    }

    @Override
    public void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            if (broken) {
                // nothing parsed is trustworthy any more
            } else if (sse) {
                parser.end();
            } else if (!jsonTooLong && json.size() > 0) {
                parseJson();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} relay: could not read the end of the response for the log ({})", backendName, e.getMessage());
        }
        if (status >= 400 && error == null) {
            error = "(no Anthropic error body)";
        }
        if (error != null) {
            LOG.info("{} relay: HTTP {}, error {}", backendName, status, error);
        } else {
            LOG.info("{} relay: HTTP {}, stop_reason {}, usage input={} output={} cache_read={} cache_creation={}",
                    backendName, status, stopReason, input, output, cacheRead, cacheCreation);
        }
    }

    @Override
    public void onEvent(String event, String data) {
        JsonNode json;
        try {
            json = Json.parse(data);
        } catch (JacksonException e) {
            return;
        }
        switch (event == null ? String.valueOf(Json.text(json, "type")) : event) {
            case "message_start" -> usage(json.path("message").path("usage"));
            case "message_delta" -> {
                String reason = Json.text(json.path("delta"), "stop_reason");
                if (reason != null) {
                    stopReason = reason;
                }
                usage(json.path("usage"));
            }
            case "error" -> error(json);
            default -> {
            }
        }
    }

    private void parseJson() {
        JsonNode body;
        try {
            body = Json.parse(json.toByteArray());
        } catch (JacksonException e) {
            if (status >= 400) {
                error = "(body is not JSON)";
            }
            return;
        }
        if ("error".equals(Json.text(body, "type"))) {
            error(body);
        } else {
            usage(body.path("usage"));
            stopReason = Json.text(body, "stop_reason");
        }
    }

    private void error(JsonNode json) {
        JsonNode e = json.path("error");
        error = Json.text(e, "type") + ": " + Json.text(e, "message");
    }

    /** Later figures replace earlier ones: message_delta usage is cumulative. */
    private void usage(JsonNode usage) {
        input = count(usage, "input_tokens", input);
        output = count(usage, "output_tokens", output);
        cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
        cacheCreation = count(usage, "cache_creation_input_tokens", cacheCreation);
    }

    private static Long count(JsonNode usage, String field, Long previous) {
        JsonNode value = usage.get(field);
        return value != null && value.isIntegralNumber() && value.canConvertToLong() ? Long.valueOf(value.asLong())
                : previous;
    }

    Long inputTokens() {
        return input;
    }

    Long outputTokens() {
        return output;
    }

    Long cacheReadTokens() {
        return cacheRead;
    }

    Long cacheCreationTokens() {
        return cacheCreation;
    }

    String stopReason() {
        return stopReason;
    }

    String error() {
        return error;
    }
}
