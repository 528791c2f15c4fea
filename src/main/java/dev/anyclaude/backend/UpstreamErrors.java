package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.LimitErrors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps an upstream HTTP error to the Anthropic error a client acts on; context overflows and rejected
 * output limits get Anthropic's own wording through {@link LimitErrors}.
 */
public final class UpstreamErrors {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamErrors.class);

    private static final Set<String> ANTHROPIC_TYPES = Set.of("invalid_request_error", "authentication_error",
            "billing_error", "permission_error", "not_found_error", "request_too_large", "rate_limit_error",
            "api_error", "timeout_error", "overloaded_error");

    private UpstreamErrors() {
    }

    /**
     * @param requestedMaxTokens the {@code max_tokens} sent upstream (for the output-limit wording), or null
     * @param model              the model name the client used (for the output-limit wording)
     */
    public static ApiError map(int status, HttpHeaders headers, byte[] body, String backendName,
                               Integer requestedMaxTokens, String model) {
        Parsed parsed = parse(body);
        if (status >= 500) {
            // the upstream's own fault (or a proxy's in front of it): worth a line in the gateway's log
            LOG.warn("{} upstream answered HTTP {}: {}", backendName, status, parsed.message);
        }
        Map<String, String> passOn = new LinkedHashMap<>();
        if (headers != null) {
            headers.firstValue("retry-after").ifPresent(v -> passOn.put("retry-after", v));
            headers.firstValue("retry-after-ms").ifPresent(v -> passOn.put("retry-after-ms", v));
        }
        String message = parsed.message;
        if (status == 400 || status == 413 || status == 422 || (status >= 400 && status < 500 && parsed.contextHint)) {
            ApiError rewritten = LimitErrors.rewrite(message, parsed.promptTokens, parsed.contextWindow,
                    parsed.contextHint, requestedMaxTokens, model);
            if (rewritten != null) {
                return rewritten;
            }
        }
        if (parsed.anthropicType != null) {
            return new ApiError(status, parsed.anthropicType, message, passOn);
        }
        String prefix = backendName + " upstream";
        return switch (status) {
            case 401, 403 -> new ApiError(403, "permission_error",
                    prefix + " rejected the credentials (HTTP " + status + "): " + message);
            case 402 -> new ApiError(402, "billing_error", prefix + " refused for billing reasons: " + message);
            case 404 -> new ApiError(404, "not_found_error", prefix + " answered 404 (unknown model or path?): "
                    + message);
            case 408, 504 -> new ApiError(504, "timeout_error", prefix + " timed out: " + message, passOn);
            case 413 -> new ApiError(413, "request_too_large", prefix + " says the request is too large: " + message);
            case 429 -> new ApiError(429, "rate_limit_error", prefix + " is rate limiting: " + message, passOn);
            case 502, 503, 529 -> new ApiError(529, "overloaded_error", prefix + " is overloaded or unavailable (HTTP "
                    + status + "): " + message, passOn);
            default -> status >= 500
                    ? new ApiError(500, "api_error", prefix + " failed (HTTP " + status + "): " + message, passOn)
                    : new ApiError(400, "invalid_request_error", prefix + " rejected the request (HTTP " + status
                    + "): " + message);
        };
    }

    /**
     * A 200 that is a web page, not an API answer: a base URL that points at a web UI, a captive portal, a
     * proxy's error page. A 502: the gateway got an invalid answer from its upstream.
     */
    public static ApiError webPage(String backendName, String contentType, byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        return new ApiError(502, "api_error", backendName + " upstream answered HTTP 200 with content-type "
                + contentType + " instead of an API response (is the base URL the server's API?): " + plain(text));
    }

    private record Parsed(String message, String anthropicType, Long promptTokens, Long contextWindow,
                          boolean contextHint) {
    }

    /** Pulls a message (and whatever numbers it carries) out of the error dialects of the upstreams. */
    /**
     * The wait an upstream asked for: {@code retry-after-ms}, else {@code retry-after} in seconds or as an
     * HTTP date (relative to {@code now}); empty when absent or unreadable.
     */
    public static java.time.Duration retryAfter(HttpHeaders headers, java.time.Instant now) {
        if (headers == null) {
            return null;
        }
        var ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                double value = Double.parseDouble(ms.get().strip());
                if (value >= 0 && value < 1e12) {
                    return java.time.Duration.ofMillis((long) value);
                }
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        var header = headers.firstValue("retry-after");
        if (header.isEmpty()) {
            return null;
        }
        String value = header.get().strip();
        try {
            double seconds = Double.parseDouble(value);
            return seconds >= 0 && seconds < 1e9 ? java.time.Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                java.time.Instant at = java.time.ZonedDateTime.parse(value,
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                java.time.Duration wait = java.time.Duration.between(now, at);
                return wait.isNegative() ? java.time.Duration.ZERO : wait;
            } catch (java.time.format.DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /** The exception for an upstream HTTP error: the mapped Anthropic error plus what a retry decision needs. */
    public static UpstreamException failure(int status, HttpHeaders headers, byte[] body, String backendName,
                                            Integer requestedMaxTokens, String model) {
        return UpstreamException.status(map(status, headers, body, backendName, requestedMaxTokens, model), status,
                retryAfter(headers, java.time.Instant.now()));
    }

    private static Parsed parse(byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return new Parsed("(empty response body)", null, null, null, false);
        }
        JsonNode json;
        try {
            json = Json.parse(text);
        } catch (JacksonException notJson) {
            return new Parsed(plain(text), null, null, null, false);
        }
        JsonNode error = json.get("error");
        String message;
        String anthropicType = null;
        Long prompt = null;
        Long window = null;
        boolean contextHint = false;
        if (error != null && error.isObject()) {
            message = firstText(error, "message", "msg", "detail");
            String type = Json.text(error, "type");
            if ("error".equals(Json.text(json, "type")) && type != null && ANTHROPIC_TYPES.contains(type)) {
                anthropicType = type;
            }
            String code = error.path("code").asString("");
            contextHint = "context_length_exceeded".equals(code) || "exceed_context_size_error".equals(type);
            if (error.path("n_prompt_tokens").canConvertToLong() && error.path("n_ctx").canConvertToLong()) {
                prompt = error.get("n_prompt_tokens").asLong();
                window = error.get("n_ctx").asLong();
            }
            // OpenRouter's metadata.raw is the provider's body: a string, or the JSON itself
            String raw = error.get("metadata") == null ? null : firstText(error.get("metadata"), "raw");
            if (raw != null && message != null) {
                message = message + " (" + plain(raw) + ")";
            }
        } else if (error != null && error.isString()) {
            message = error.stringValue();
        } else {
            message = firstText(json, "message", "detail", "msg");
        }
        if (message == null || message.isBlank()) {
            message = plain(text);
        }
        return new Parsed(message, anthropicType, prompt, window, contextHint);
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && value.isString()) {
                return value.stringValue();
            }
            if (value != null && !value.isNull() && !value.isMissingNode()) {
                return Json.string(value);
            }
        }
        return null;
    }

    /** An HTML error page or other text, reduced to a short single line. */
    private static String plain(String text) {
        String stripped = text.replaceAll("(?s)<(script|style).*?</\\1>", " ").replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ").strip();
        return stripped.length() > 300 ? stripped.substring(0, 300) + "..." : stripped;
    }
}
