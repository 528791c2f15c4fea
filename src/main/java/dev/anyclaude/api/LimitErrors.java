package dev.anyclaude.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claude Code's recovery matches on Anthropic's wording, so upstream limit errors are rewritten into
 * it: a context overflow becomes {@code prompt is too long: N tokens > M maximum} (Claude Code compacts
 * and retries) and a rejected output limit becomes {@code max_tokens: A > B, which is the maximum
 * allowed number of output tokens for MODEL} (Claude Code retries with B). Used for HTTP errors and
 * for errors that arrive inside a stream alike.
 */
public final class LimitErrors {

    // Numbers are matched with at most 18 digits so that parsing them can never overflow a long: the
    // messages come from upstreams, and a hostile one could send any number of digits.

    // vLLM: "maximum context length is 32768 tokens. However, you requested 40000 tokens (8000 in the messages, 32000 in the completion)"
    private static final Pattern VLLM_SPLIT = Pattern.compile(
            "maximum context length is (\\d{1,18}) tokens.*?(\\d{1,18}) in the messages, (\\d{1,18}) in the completion",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    // OpenAI: "maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens"
    private static final Pattern OPENAI_CONTEXT = Pattern.compile(
            "maximum context length is (\\d{1,18}) tokens.*?resulted in (\\d{1,18}) tokens",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    // llama.cpp: "request (13392 tokens) exceeds the available context size (8192 tokens)"
    private static final Pattern LLAMA_CONTEXT = Pattern.compile(
            "\\((\\d{1,18}) tokens\\) exceeds the available context size \\((\\d{1,18}) tokens\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANTHROPIC_CONTEXT = Pattern.compile(
            "prompt is too long: (\\d{1,18}) tokens > (\\d{1,18}) maximum", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTEXT_WORDS = Pattern.compile(
            "context_length_exceeded|context length|context window|context size|maximum context|prompt is too long"
                    + "|too many tokens|exceed_context_size", Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTPUT_LIMIT = Pattern.compile(
            "(max_tokens|max_completion_tokens|max_new_tokens|output tokens|completion tokens)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTPUT_LIMIT_VALUE = Pattern.compile(
            "(?:at most|less than or equal to|<=|maximum(?: allowed)?(?: value)?(?: is| of)?|up to|limit(?: is)?)"
                    + "\\s*:?\\s*(\\d{1,18})", Pattern.CASE_INSENSITIVE);

    private LimitErrors() {
    }

    /**
     * Recognises a context overflow or a rejected output limit in an upstream message (also used for
     * errors that arrive inside a stream). Returns null when the message is neither.
     */
    public static ApiError rewrite(String message, Integer requestedMaxTokens, String model) {
        return rewrite(message, null, null, false, requestedMaxTokens, model);
    }

    /**
     * @param promptTokens  the prompt size when the upstream reported it in fields (llama.cpp), or null
     * @param contextWindow the window size reported alongside, or null
     * @param contextHint   the upstream marked the error as a context overflow by its code or type
     */
    public static ApiError rewrite(String message, Long promptTokens, Long contextWindow, boolean contextHint,
                                   Integer requestedMaxTokens, String model) {
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
        if (promptTokens != null && contextWindow != null) {
            return promptTooLong(promptTokens, contextWindow);
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
        if (contextHint || CONTEXT_WORDS.matcher(message).find()) {
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
                + ", which is the maximum allowed number of output tokens for " + (model == null ? "this model" : model));
    }

}
