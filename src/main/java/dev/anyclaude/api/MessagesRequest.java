package dev.anyclaude.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A parsed {@code POST /v1/messages} (or count_tokens) body. Typed fields are what the proxy acts on;
 * {@code raw} is the body as sent, unknown fields included, for passthrough and for fields a later
 * mapping wants.
 *
 * @param maxTokens      null only for count_tokens bodies
 * @param system         the top-level system prompt as text blocks (a string becomes one block)
 * @param effort         {@code output_config.effort}, or null
 * @param outputFormat   {@code output_config.format} (or the beta {@code output_format}), or null
 */
public record MessagesRequest(
        String model,
        Integer maxTokens,
        boolean stream,
        List<ContentBlock.Text> system,
        List<Message> messages,
        List<Tool> tools,
        ToolChoice toolChoice,
        List<String> stopSequences,
        Double temperature,
        Double topP,
        Integer topK,
        ThinkingConfig thinking,
        String effort,
        JsonNode outputFormat,
        ObjectNode raw) {

    public MessagesRequest {
        system = List.copyOf(system);
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        stopSequences = List.copyOf(stopSequences);
    }

    /** The same request with another model name (raw body included). */
    public MessagesRequest withModel(String newModel) {
        ObjectNode copy = raw.deepCopy();
        copy.put("model", newModel);
        return new MessagesRequest(newModel, maxTokens, stream, system, messages, tools, toolChoice, stopSequences,
                temperature, topP, topK, thinking, effort, outputFormat, copy);
    }
}
