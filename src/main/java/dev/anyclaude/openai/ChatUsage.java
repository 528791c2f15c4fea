package dev.anyclaude.openai;

import dev.anyclaude.stream.ModelEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * OpenAI-style usage figures in Anthropic terms: cached prompt tokens become
 * {@code cache_read_input_tokens}, and {@code input_tokens} excludes them, as on the Anthropic API.
 *
 * <p>Servers report cache hits in different places; the first non-zero of these wins (a server may send a
 * placeholder 0 in one field and the real count in another):
 * <ol>
 *   <li>{@code usage.prompt_tokens_details.cached_tokens}: OpenAI, OpenRouter, vLLM, llama.cpp, mlx;</li>
 *   <li>{@code usage.cached_tokens}: servers that put it at the top of usage (Moonshot/Kimi and others);</li>
 *   <li>{@code usage.cache_read_input_tokens}: gateways that report Anthropic-style fields;</li>
 *   <li>{@code usage.prompt_cache_hit_tokens}: DeepSeek;</li>
 *   <li>{@code tokens_cached} in usage or at the top of the body: llama.cpp's native field;</li>
 *   <li>{@code timings.cache_n}: llama.cpp.</li>
 * </ol>
 * Cache writes are {@code prompt_tokens_details.cache_write_tokens} (OpenRouter) or Anthropic-style
 * {@code cache_creation_input_tokens}. OpenAI's {@code prompt_tokens} includes both, so they are
 * subtracted from it. Without {@code prompt_tokens}, an uncached count is taken as it is: Anthropic-style
 * {@code input_tokens}, DeepSeek's {@code prompt_cache_miss_tokens}, llama.cpp's {@code timings.prompt_n}.
 */
final class ChatUsage {

    private ChatUsage() {
    }

    /**
     * @param usage        the {@code usage} object, or null when the server sent none
     * @param timings      llama.cpp's top-level {@code timings} object, or null
     * @param tokensCached a top-level {@code tokens_cached} count, or null
     * @return the figures, or null when there are none at all
     */
    static ModelEvent.Usage from(JsonNode usage, JsonNode timings, Long tokensCached) {
        JsonNode figures = usage == null ? missing() : usage;
        JsonNode times = timings == null ? missing() : timings;
        JsonNode details = figures.path("prompt_tokens_details");
        Long cacheRead = firstNonZero(number(details, "cached_tokens"), number(figures, "cached_tokens"),
                number(figures, "cache_read_input_tokens"), number(figures, "prompt_cache_hit_tokens"),
                number(figures, "tokens_cached"), tokensCached, number(times, "cache_n"));
        Long cacheWrite = firstNonZero(number(details, "cache_write_tokens"),
                number(figures, "cache_creation_input_tokens"));
        long read = cacheRead == null ? 0 : cacheRead;
        long write = cacheWrite == null ? 0 : cacheWrite;
        Long prompt = number(figures, "prompt_tokens");
        Long input = prompt != null ? Long.valueOf(Math.max(0, prompt - read - write))
                : firstOf(number(figures, "input_tokens"), number(figures, "prompt_cache_miss_tokens"),
                number(times, "prompt_n"));
        Long output = firstOf(number(figures, "completion_tokens"), number(figures, "output_tokens"),
                number(times, "predicted_n"));
        if (input == null && output == null && cacheRead == null && cacheWrite == null) {
            return null;
        }
        return new ModelEvent.Usage(input, output, read, write);
    }

    private static JsonNode missing() {
        return MissingNode.getInstance();
    }

    private static Long firstNonZero(Long... values) {
        Long zero = null;
        for (Long value : values) {
            if (value != null && value > 0) {
                return value;
            }
            if (value != null) {
                zero = value;
            }
        }
        return zero;
    }

    private static Long firstOf(Long... values) {
        for (Long value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * A count, kept between 0 and {@code Integer.MAX_VALUE}: an upstream's 1e30 or -5 must neither throw nor
     * make the sums and differences of the figures overflow.
     */
    private static Long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber() || Double.isNaN(value.doubleValue())) {
            return null;
        }
        return (long) Math.clamp(value.doubleValue(), 0, Integer.MAX_VALUE);
    }
}
