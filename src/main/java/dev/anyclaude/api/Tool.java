package dev.anyclaude.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool definition. {@code type} is null or {@code "custom"} for client tools with an
 * {@code input_schema}; versioned Anthropic tools ({@code web_search_20250305}, {@code bash_20250124}, ...)
 * carry their type and no schema.
 */
public record Tool(String name, String description, JsonNode inputSchema, String type, boolean deferLoading,
                   ObjectNode raw) {

    public boolean isCustom() {
        return type == null || "custom".equals(type);
    }
}
