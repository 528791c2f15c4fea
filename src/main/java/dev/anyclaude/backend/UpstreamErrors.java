package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an upstream HTTP error to the Anthropic error a client acts on. Claude Code's recovery matches
 * on wording, so two cases are rewritten into Anthropic's own phrasing: a context overflow becomes
 * {@code prompt is too long: N tokens > M maximum} (Claude Code compacts and retries) and a rejected
 * output limit becomes {@code max_tokens: A > B, which is the maximum allowed number of output tokens
 * for MODEL} (Claude Code retries with B).
 */
public final class UpstreamErrors {

    private static final Set<String> ANTHROPIC_TYPES = Set.of("invalid_request_error", "authentication_error",
            "billing_error", "permission_error", "not_found_error", "request_too_large", "rate_limit_error",
            "api_error", "timeout_error", "overloaded_error");

    // vLLM: "maximum context length is 32768 tokens. However, you requested 40000 tokens (8000 in the messages, 32000 in the completion)"
    private static final Pattern VLLM_SPLIT = Pattern.compile(
            "maximum context length is (\\d+) tokens.*?(\\d+) in the messages, (\\d+) in the completion",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    // OpenAI: "maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens"
    private static final Pattern OPENAI_CONTEXT = Pattern.compile(
            "maximum context length is (\\d+) tokens.*?resulted in (\\d+) tokens",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    // llama.cpp: "request (13392 tokens) exceeds the available context size (8192 tokens)"
    private static final Pattern LLAMA_CONTEXT = Pattern.compile(
            "\\((\\d+) tokens\\) exceeds the available context size \\((\\d+) tokens\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANTHROPIC_CONTEXT = Pattern.compile(
            "prompt is too long: (\\d+) tokens > (\\d+) maximum", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTEXT_WORDS = Pattern.compile(
            "context_length_exceeded|context length|context window|context size|maximum context|prompt is too long"
                    + "|too many tokens|exceed_context_size", Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTPUT_LIMIT = Pattern.compile(
            "(max_tokens|max_completion_tokens|max_new_tokens|output tokens|completion tokens)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTPUT_LIMIT_VALUE = Pattern.compile(
            "(?:at most|less than or equal to|<=|maximum(?: allowed)?(?: value)?(?: is| of)?|up to|limit(?: is)?)"
                    + "\\s*:?\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

    private UpstreamErrors() {
    }

    /**
     * @param requestedMaxTokens the {@code max_tokens} sent upstream (for the output-limit wording), or null
     * @param model              the model name the client used (for the output-limit wording)
     */
    public static ApiError map(int status, HttpHeaders headers, byte[] body, String backendName,
                               Integer requestedMaxTokens, String model) {
        Parsed parsed = parse(body);
        Map<String, String> passOn = new LinkedHashMap<>();
        if (headers != null) {
            headers.firstValue("retry-after").ifPresent(v -> passOn.put("retry-after", v));
            headers.firstValue("retry-after-ms").ifPresent(v -> passOn.put("retry-after-ms", v));
        }
        String message = parsed.message;
        if (status == 400 || status == 413 || status == 422 || (status >= 400 && status < 500 && parsed.contextHint)) {
            ApiError rewritten = rewriteLimits(message, parsed, requestedMaxTokens, model);
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
     * Recognises a context overflow or a rejected output limit in an upstream message (also used for
     * errors that arrive inside a stream). Returns null when the message is neither.
     */
    public static ApiError rewriteLimits(String message, Integer requestedMaxTokens, String model) {
        return rewriteLimits(message, new Parsed(message, null, null, null, false), requestedMaxTokens, model);
    }

    private static ApiError rewriteLimits(String message, Parsed parsed, Integer requestedMaxTokens, String model) {
        Matcher m = VLLM_SPLIT.matcher(message);
        if (m.find()) {
            long window = Long.parseLong(m.group(1));
            long prompt = Long.parseLong(m.group(2));
            long completion = Long.parseLong(m.group(3));
            if (prompt < window) {
                return outputLimit(completion, window - prompt, model);
            }
            return promptTooLong(prompt, window);
        }
        m = OPENAI_CONTEXT.matcher(message);
        if (m.find()) {
            return promptTooLong(Long.parseLong(m.group(2)), Long.parseLong(m.group(1)));
        }
        m = LLAMA_CONTEXT.matcher(message);
        if (m.find()) {
            return promptTooLong(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        if (parsed.promptTokens != null && parsed.contextWindow != null) {
            return promptTooLong(parsed.promptTokens, parsed.contextWindow);
        }
        m = ANTHROPIC_CONTEXT.matcher(message);
        if (m.find()) {
            return promptTooLong(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        if (OUTPUT_LIMIT.matcher(message).find()) {
            Matcher value = OUTPUT_LIMIT_VALUE.matcher(message);
            if (value.find() && requestedMaxTokens != null) {
                long limit = Long.parseLong(value.group(1));
                if (limit < requestedMaxTokens) {
                    return outputLimit(requestedMaxTokens, limit, model);
                }
            }
        }
        if (parsed.contextHint || CONTEXT_WORDS.matcher(message).find()) {
            return ApiError.invalidRequest("prompt is too long: the upstream's context window is exceeded ("
                    + message + ")");
        }
        return null;
    }

    private static ApiError promptTooLong(long prompt, long window) {
        return ApiError.invalidRequest("prompt is too long: " + prompt + " tokens > " + window + " maximum");
    }

    private static ApiError outputLimit(long requested, long allowed, String model) {
        return ApiError.invalidRequest("max_tokens: " + requested + " > " + allowed
                + ", which is the maximum allowed number of output tokens for " + model);
    }

    private record Parsed(String message, String anthropicType, Long promptTokens, Long contextWindow,
                          boolean contextHint) {
    }

    /** Pulls a message (and whatever numbers it carries) out of the error dialects of the upstreams. */
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
            if (error.has("n_prompt_tokens") && error.has("n_ctx")) {
                prompt = error.get("n_prompt_tokens").asLong();
                window = error.get("n_ctx").asLong();
            }
            JsonNode metadata = error.get("metadata");
            if (metadata != null && metadata.has("raw") && message != null) {
                message = message + " (" + plain(metadata.get("raw").asString()) + ")";
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
