package dev.anyclaude.api;

import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic usage figures. {@code inputTokens} excludes cached tokens, as on the Anthropic API:
 * the whole prompt is {@code inputTokens + cacheCreationInputTokens + cacheReadInputTokens}.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("input_tokens", inputTokens);
        node.put("cache_creation_input_tokens", cacheCreationInputTokens);
        node.put("cache_read_input_tokens", cacheReadInputTokens);
        node.put("output_tokens", outputTokens);
        return node;
    }

    public long promptTokens() {
        return inputTokens + cacheReadInputTokens + cacheCreationInputTokens;
    }
}
