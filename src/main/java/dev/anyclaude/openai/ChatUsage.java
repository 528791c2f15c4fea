package dev.anyclaude.openai;

import dev.anyclaude.stream.ModelEvent;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI usage figures in Anthropic terms. OpenAI's {@code prompt_tokens} includes cached tokens,
 * Anthropic's {@code input_tokens} does not, so the cached part is subtracted. Where the cache hit
 * count is found differs by backend: OpenAI/OpenRouter/vLLM/mlx {@code prompt_tokens_details.cached_tokens},
 * DeepSeek {@code prompt_cache_hit_tokens}, llama.cpp also {@code timings.cache_n}.
 */
final class ChatUsage {

    private ChatUsage() {
    }

    /** @param timings llama.cpp's top-level {@code timings} object, or null */
    static ModelEvent.Usage from(JsonNode usage, JsonNode timings) {
        JsonNode details = usage.path("prompt_tokens_details");
        Long cacheRead = firstOf(number(details, "cached_tokens"), number(usage, "prompt_cache_hit_tokens"),
                timings == null ? null : number(timings, "cache_n"));
        long read = cacheRead == null ? 0 : cacheRead;
        Long cacheWrite = number(details, "cache_write_tokens");
        long write = cacheWrite == null ? 0 : cacheWrite;
        Long prompt = number(usage, "prompt_tokens");
        Long input = prompt == null ? null : Math.max(0, prompt - read - write);
        return new ModelEvent.Usage(input, number(usage, "completion_tokens"), read, write);
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
