package dev.anyclaude.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a request body into a {@link MessagesRequest}, or an {@code invalid_request_error} that names
 * the offending field the way the Anthropic API does ({@code messages.2.content.0.text: ...}).
 * Lenient about fields it does not know; strict about the types of the fields it uses.
 */
public final class RequestParser {

    private static final Set<String> SERVER_TOOL_BLOCKS = Set.of(
            "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
            "bash_code_execution_tool_result", "text_editor_code_execution_tool_result",
            "tool_search_tool_result", "container_upload", "mcp_tool_use", "mcp_tool_result");

    private RequestParser() {
    }

    /** Parses a {@code /v1/messages} body: {@code model}, {@code messages} and {@code max_tokens} are required. */
    public static MessagesRequest parseMessages(byte[] body) {
        return parse(body, true);
    }

    /** Parses a {@code /v1/messages/count_tokens} body: {@code max_tokens} is not required. */
    public static MessagesRequest parseCountTokens(byte[] body) {
        return parse(body, false);
    }

    private static MessagesRequest parse(byte[] body, boolean requireMaxTokens) {
        if (body == null || body.length == 0) {
            throw ApiException.invalidRequest("request body is empty: expected a JSON object");
        }
        JsonNode root = RequestJson.parse(body);
        if (!(root instanceof ObjectNode object)) {
            throw ApiException.invalidRequest("request body must be a JSON object, got " + kind(root));
        }
        String model = requiredString(object, "model");
        if (model.isBlank()) {
            throw ApiException.invalidRequest("model: must not be empty");
        }
        Integer maxTokens = optionalInt(object, "max_tokens");
        if (requireMaxTokens && maxTokens == null) {
            throw ApiException.invalidRequest("max_tokens: Field required");
        }
        if (maxTokens != null && maxTokens < 0) {
            throw ApiException.invalidRequest("max_tokens: must be greater than or equal to 0");
        }
        JsonNode messagesNode = object.get("messages");
        if (messagesNode == null || messagesNode.isNull()) {
            throw ApiException.invalidRequest("messages: Field required");
        }
        if (!messagesNode.isArray()) {
            throw ApiException.invalidRequest("messages: Input should be a valid list");
        }
        List<Message> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages." + i));
        }
        metadata(object.get("metadata"));
        JsonNode outputConfig = object.get("output_config");
        String effort = null;
        JsonNode outputFormat = object.get("output_format");
        if (outputConfig != null && !outputConfig.isNull()) {
            if (!outputConfig.isObject()) {
                throw ApiException.invalidRequest("output_config: Input should be a valid dictionary");
            }
            effort = optionalString(outputConfig, "effort", "output_config.effort");
            if (outputConfig.has("format") && !outputConfig.get("format").isNull()) {
                outputFormat = outputConfig.get("format");
            }
        }
        return new MessagesRequest(
                model,
                maxTokens,
                optionalBoolean(object, "stream", "stream"),
                system(object.get("system")),
                messages,
                tools(object.get("tools")),
                toolChoice(object.get("tool_choice")),
                stopSequences(object.get("stop_sequences")),
                optionalNumber(object, "temperature"),
                optionalNumber(object, "top_p"),
                optionalInt(object, "top_k"),
                thinking(object.get("thinking")),
                effort,
                outputFormat == null || outputFormat.isNull() ? null : outputFormat,
                object);
    }

    private static Message message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid dictionary");
        }
        String role = requiredString(node, "role", path + ".role");
        Message.Role parsedRole = switch (role) {
            case "user" -> Message.Role.USER;
            case "assistant" -> Message.Role.ASSISTANT;
            case "system" -> Message.Role.SYSTEM;
            default -> throw ApiException.invalidRequest(
                    path + ".role: Input should be 'user', 'assistant' or 'system', got '" + role + "'");
        };
        JsonNode content = node.get("content");
        if (content == null || content.isNull()) {
            throw ApiException.invalidRequest(path + ".content: Field required");
        }
        return new Message(parsedRole, blocks(content, path + ".content"));
    }

    private static List<ContentBlock> blocks(JsonNode content, String path) {
        if (content.isString()) {
            ObjectNode raw = Json.object();
            raw.put("type", "text");
            raw.put("text", content.stringValue());
            return List.of(new ContentBlock.Text(content.stringValue(), raw));
        }
        if (!content.isArray()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid string or list of content blocks");
        }
        List<ContentBlock> blocks = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            blocks.add(block(content.get(i), path + "." + i));
        }
        return blocks;
    }

    private static ContentBlock block(JsonNode node, String path) {
        if (!(node instanceof ObjectNode raw)) {
            throw ApiException.invalidRequest(path + ": Input should be a valid dictionary");
        }
        String type = requiredString(raw, "type", path + ".type");
        return switch (type) {
            case "text" -> new ContentBlock.Text(requiredString(raw, "text", path + ".text"), raw);
            case "image" -> {
                JsonNode source = requiredObject(raw, "source", path + ".source");
                String sourceType = requiredString(source, "type", path + ".source.type");
                String data = switch (sourceType) {
                    case "base64" -> requiredString(source, "data", path + ".source.data");
                    case "url" -> requiredString(source, "url", path + ".source.url");
                    case "file" -> requiredString(source, "file_id", path + ".source.file_id");
                    default -> throw ApiException.invalidRequest(path + ".source.type: unsupported image source type '"
                            + sourceType + "' (expected base64, url or file)");
                };
                yield new ContentBlock.Image(sourceType, optionalString(source, "media_type",
                        path + ".source.media_type"), data, raw);
            }
            case "document" -> {
                JsonNode source = requiredObject(raw, "source", path + ".source");
                String sourceType = requiredString(source, "type", path + ".source.type");
                String data = switch (sourceType) {
                    case "url" -> optionalString(source, "url", path + ".source.url");
                    case "file" -> optionalString(source, "file_id", path + ".source.file_id");
                    case "content" -> null;
                    default -> optionalString(source, "data", path + ".source.data");
                };
                yield new ContentBlock.Document(sourceType, optionalString(source, "media_type",
                        path + ".source.media_type"), data, optionalString(raw, "title", path + ".title"), raw);
            }
            case "tool_use" -> {
                JsonNode input = raw.get("input");
                if (input == null || input.isNull()) {
                    throw ApiException.invalidRequest(path + ".input: Field required");
                }
                if (!input.isObject()) {
                    throw ApiException.invalidRequest(path + ".input: Input should be a valid dictionary");
                }
                yield new ContentBlock.ToolUse(requiredString(raw, "id", path + ".id"),
                        requiredString(raw, "name", path + ".name"), input, raw);
            }
            case "tool_result" -> {
                JsonNode content = raw.get("content");
                List<ContentBlock> inner = content == null || content.isNull()
                        ? List.of() : blocks(content, path + ".content");
                JsonNode isError = raw.get("is_error");
                if (isError != null && !isError.isNull() && !isError.isBoolean()) {
                    throw ApiException.invalidRequest(path + ".is_error: Input should be a valid boolean");
                }
                yield new ContentBlock.ToolResult(requiredString(raw, "tool_use_id", path + ".tool_use_id"), inner,
                        isError != null && isError.booleanValue(false), raw);
            }
            case "thinking" -> new ContentBlock.Thinking(requiredString(raw, "thinking", path + ".thinking"),
                    optionalString(raw, "signature", path + ".signature"), raw);
            case "redacted_thinking" -> new ContentBlock.RedactedThinking(
                    requiredString(raw, "data", path + ".data"), raw);
            case "tool_reference" -> new ContentBlock.ToolReference(
                    requiredString(raw, "tool_name", path + ".tool_name"), raw);
            case "search_result" -> {
                JsonNode content = raw.get("content");
                List<ContentBlock> inner = content == null || content.isNull()
                        ? List.of() : blocks(content, path + ".content");
                yield new ContentBlock.SearchResult(optionalString(raw, "source", path + ".source"),
                        optionalString(raw, "title", path + ".title"), inner, raw);
            }
            default -> SERVER_TOOL_BLOCKS.contains(type)
                    ? new ContentBlock.ServerTool(type, raw)
                    : new ContentBlock.Unknown(type, raw);
        };
    }

    private static List<ContentBlock.Text> system(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isString()) {
            ObjectNode raw = Json.object();
            raw.put("type", "text");
            raw.put("text", node.stringValue());
            return List.of(new ContentBlock.Text(node.stringValue(), raw));
        }
        if (!node.isArray()) {
            throw ApiException.invalidRequest("system: Input should be a valid string or list of text blocks");
        }
        List<ContentBlock.Text> blocks = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            ContentBlock block = block(node.get(i), "system." + i);
            if (!(block instanceof ContentBlock.Text text)) {
                throw ApiException.invalidRequest("system." + i + ".type: Input should be 'text'");
            }
            blocks.add(text);
        }
        return blocks;
    }

    private static List<Tool> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.invalidRequest("tools: Input should be a valid list");
        }
        List<Tool> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String path = "tools." + i;
            if (!(node.get(i) instanceof ObjectNode raw)) {
                throw ApiException.invalidRequest(path + ": Input should be a valid dictionary");
            }
            String type = optionalString(raw, "type", path + ".type");
            String name = requiredString(raw, "name", path + ".name");
            JsonNode schema = raw.get("input_schema");
            boolean custom = type == null || "custom".equals(type);
            if (custom) {
                if (schema == null || schema.isNull()) {
                    throw ApiException.invalidRequest(path + ".input_schema: Field required");
                }
                if (!schema.isObject()) {
                    throw ApiException.invalidRequest(path + ".input_schema: Input should be a valid dictionary");
                }
            }
            tools.add(new Tool(name, optionalString(raw, "description", path + ".description"),
                    schema == null || schema.isNull() ? null : schema, type,
                    optionalBoolean(raw, "defer_loading", path + ".defer_loading"), raw));
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.invalidRequest("tool_choice: Input should be a valid dictionary");
        }
        String type = requiredString(node, "type", "tool_choice.type");
        if (!Set.of("auto", "any", "tool", "none").contains(type)) {
            throw ApiException.invalidRequest("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        }
        String name = "tool".equals(type) ? requiredString(node, "name", "tool_choice.name") : null;
        return new ToolChoice(type, name, optionalBoolean(node, "disable_parallel_tool_use",
                "tool_choice.disable_parallel_tool_use"));
    }

    private static ThinkingConfig thinking(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.invalidRequest("thinking: Input should be a valid dictionary");
        }
        String type = requiredString(node, "type", "thinking.type");
        if (!Set.of("enabled", "disabled", "adaptive").contains(type)) {
            throw ApiException.invalidRequest("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
        }
        Integer budget = optionalInt(node, "budget_tokens", "thinking.budget_tokens");
        if ("enabled".equals(type) && budget == null) {
            throw ApiException.invalidRequest("thinking.budget_tokens: Field required");
        }
        return new ThinkingConfig(type, budget, optionalString(node, "display", "thinking.display"));
    }

    /** Not used here, but forwarded to Anthropic upstreams: a wrong shape is the client's error, said now. */
    private static void metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw ApiException.invalidRequest("metadata: Input should be a valid dictionary");
        }
        optionalString(node, "user_id", "metadata.user_id");
    }

    private static List<String> stopSequences(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.invalidRequest("stop_sequences: Input should be a valid list");
        }
        List<String> sequences = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isString()) {
                throw ApiException.invalidRequest("stop_sequences." + i + ": Input should be a valid string");
            }
            sequences.add(node.get(i).stringValue());
        }
        return sequences;
    }

    private static String requiredString(JsonNode node, String field) {
        return requiredString(node, field, field);
    }

    private static String requiredString(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidRequest(path + ": Field required");
        }
        if (!value.isString()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid string");
        }
        return value.stringValue();
    }

    private static JsonNode requiredObject(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidRequest(path + ": Field required");
        }
        if (!value.isObject()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid dictionary");
        }
        return value;
    }

    private static String optionalString(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid string");
        }
        return value.stringValue();
    }

    private static Integer optionalInt(JsonNode node, String field) {
        return optionalInt(node, field, field);
    }

    private static Integer optionalInt(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid integer");
        }
        if (!value.isIntegralNumber()) {
            // 10.0 is an integer to Anthropic's validation too; 10.5, NaN and infinities are not
            double number = value.doubleValue();
            if (!Double.isFinite(number) || number != Math.rint(number)) {
                throw ApiException.invalidRequest(path + ": Input should be a valid integer, got a number with a"
                        + " fractional part");
            }
            if (number > Integer.MAX_VALUE || number < Integer.MIN_VALUE) {
                throw outOfIntRange(path, value);
            }
            return (int) number;
        }
        if (!value.canConvertToInt()) {
            throw outOfIntRange(path, value);
        }
        return value.intValue();
    }

    private static ApiException outOfIntRange(String path, JsonNode value) {
        String number = value.asString();
        return ApiException.invalidRequest(path + ": " + (number.startsWith("-")
                ? "must be greater than or equal to " + Integer.MIN_VALUE
                : "must be less than or equal to " + Integer.MAX_VALUE) + ", got " + number);
    }

    private static Double optionalNumber(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.invalidRequest(field + ": Input should be a valid number");
        }
        // 1e999 reads as infinity, which no upstream takes (Jackson would even write it as a string)
        if (!Double.isFinite(value.doubleValue())) {
            throw ApiException.invalidRequest(field + ": Input should be a finite number");
        }
        return value.doubleValue();
    }

    private static boolean optionalBoolean(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidRequest(path + ": Input should be a valid boolean");
        }
        return value.booleanValue();
    }

    /** What a JSON value is, in the words of an error message. */
    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "nothing";
        };
    }

}
