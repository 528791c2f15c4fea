package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.LimitErrors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Errors an OpenAI-compatible upstream reports inside a 200 response (mid-stream chunks, OpenRouter's
 * 200 bodies) as Anthropic errors. The type decides whether Claude Code retries: rate limits and
 * overloads are retried, a too-long prompt triggers compaction, anything else is shown.
 */
final class StreamErrors {

    private StreamErrors() {
    }

    /** The error a JSON body carries: a top-level {@code error} (object or string) or vLLM's old {@code object:"error"}. */
    static Optional<ApiError> inBody(JsonNode body) {
        JsonNode error = body.get("error");
        if (error != null && !error.isNull()) {
            return Optional.of(map(error, ApiError::apiError));
        }
        if ("error".equals(Json.text(body, "object"))) {
            return Optional.of(map(body, ApiError::apiError));
        }
        return Optional.empty();
    }

    /** The data of an SSE event named {@code error} (llama.cpp's {@code error:} line): JSON of any known shape, or text. */
    static ApiError fromEventData(String data) {
        JsonNode json;
        try {
            json = Json.parse(data);
        } catch (JacksonException notJson) {
            json = StringNode.valueOf(data.strip());
        }
        JsonNode inner = json.get("error");
        return map(inner != null && !inner.isNull() ? inner : json, ApiError::apiError);
    }

    /**
     * Classifies an error object or string.
     *
     * @param fallback makes the error when nothing marks it as a rate limit, a context overflow or a server fault
     */
    static ApiError map(JsonNode error, Function<String, ApiError> fallback) {
        String message = messageOf(error);
        JsonNode codeNode = error.isObject() ? error.get("code") : null;
        // a code is a number or a string; anything else (an object from an odd server) says nothing
        String code = codeNode != null && (codeNode.isNumber() || codeNode.isString()) ? codeNode.asString() : "";
        String type = error.isObject() ? String.valueOf(Json.text(error, "type")) : "";
        String kind = (code + " " + type).toLowerCase(Locale.ROOT);
        String lowerMessage = message.toLowerCase(Locale.ROOT);
        int status = statusOf(code);
        String upstream = "upstream error: " + message;
        if (status == 429 || kind.contains("rate_limit") || kind.contains("ratelimit")
                || kind.contains("too_many_requests")) {
            return new ApiError(429, "rate_limit_error", upstream);
        }
        if (kind.contains("context_length_exceeded") || kind.contains("exceed_context_size")
                || lowerMessage.contains("maximum context length") || lowerMessage.contains("prompt is too long")
                || lowerMessage.contains("exceeds the available context size")) {
            return promptTooLong(error, message);
        }
        if ((status >= 500 && status <= 599) || kind.contains("server_error") || kind.contains("unavailable")
                || kind.contains("overloaded") || lowerMessage.contains("disconnected")) {
            return ApiError.overloaded(upstream);
        }
        return fallback.apply(upstream);
    }

    /** The overflow in Anthropic's wording, with llama.cpp's figures when its fields carry them. */
    private static ApiError promptTooLong(JsonNode error, String message) {
        boolean fields = error.isObject() && error.path("n_prompt_tokens").canConvertToLong()
                && error.path("n_ctx").canConvertToLong();
        return LimitErrors.rewrite(message, fields ? error.get("n_prompt_tokens").asLong() : null,
                fields ? error.get("n_ctx").asLong() : null, true, null, null);
    }

    private static String messageOf(JsonNode error) {
        if (error.isString()) {
            return error.stringValue();
        }
        String message = Json.text(error, "message");
        if (message != null && !message.isBlank()) {
            return message;
        }
        String text = Json.string(error);
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    private static int statusOf(String code) {
        try {
            return Integer.parseInt(code.strip());
        } catch (NumberFormatException notNumeric) {
            return -1;
        }
    }
}
