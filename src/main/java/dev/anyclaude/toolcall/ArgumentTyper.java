package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * Turns a call's {@link Arguments} into the JSON object a {@code tool_use} input must be, typed by the
 * tool's JSON schema: XML formats write every value as text, so {@code "5"} becomes 5 where the schema
 * says integer, while a string stays a string even when it looks like a number.
 */
public final class ArgumentTyper {
    private ArgumentTyper() {
    }

    /**
     * @param schema the tool's {@code input_schema}, or null when unknown
     * @return the typed input object, or empty when no object can be made of the arguments
     */
    public static Optional<ObjectNode> type(Arguments arguments, JsonNode schema) {
        return switch (arguments) {
            case Arguments.JsonText json -> ToolArguments.normalise(json.text())
                    .map(text -> (ObjectNode) Json.parse(text));
            case Arguments.Params params -> {
                ObjectNode input = Json.object();
                JsonNode properties = schema == null ? null : schema.path("properties");
                for (Arguments.Param param : params.values()) {
                    JsonNode property = properties == null ? null : properties.get(param.name());
                    input.set(param.name(), value(param, property));
                }
                yield Optional.of(input);
            }
        };
    }

    private static JsonNode value(Arguments.Param param, JsonNode property) {
        String raw = param.value();
        if (param.kind() == Arguments.ValueKind.STRING) {
            return Json.MAPPER.getNodeFactory().stringNode(raw);
        }
        String type = property == null ? null : Json.text(property, "type");
        if ("string".equals(type)) {
            return Json.MAPPER.getNodeFactory().stringNode(raw);
        }
        try {
            return Json.parse(raw.strip());
        } catch (JacksonException notJson) {
            return Json.MAPPER.getNodeFactory().stringNode(raw);
        }
    }
}
