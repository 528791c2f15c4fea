package dev.anyclaude.api;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A strict checker of an Anthropic SSE event sequence (invariant 1), stricter than the official SDKs:
 * {@code message_start} first and once; blocks indexed 0..n-1, strictly sequential, each started,
 * delta'd with the delta type of its block and stopped; no empty text block; every tool_use has at
 * least one {@code input_json_delta} and its input is a JSON object; {@code message_delta} with a stop
 * reason and usage, after the last block; {@code message_stop} last; or an {@code error} event that ends
 * the stream.
 * Feed it events with {@link #accept(String, String)}, then call {@link #finish()}.
 */
public final class StreamValidator {

    private static final Set<String> STOP_REASONS = Set.of("end_turn", "max_tokens", "stop_sequence", "tool_use",
            "pause_turn", "refusal", "model_context_window_exceeded");

    private final List<String> violations = new ArrayList<>();
    private boolean started;
    private boolean ended;
    private boolean errored;
    private boolean sawMessageDelta;
    private int nextIndex;
    private int openIndex = -1;
    private String openType;
    private final StringBuilder openText = new StringBuilder();
    private int openDeltas;
    private boolean sawToolUse;
    private String stopReason;
    private int eventCount;

    /** Validates one SSE event given its name and data. */
    public void accept(String name, String data) {
        eventCount++;
        String where = "event " + eventCount + " (" + name + ")";
        if (ended) {
            violations.add(where + ": event after the end of the stream");
            return;
        }
        JsonNode json;
        try {
            json = Json.parse(data);
        } catch (JacksonException e) {
            violations.add(where + ": data is not JSON: " + data);
            return;
        }
        String type = Json.text(json, "type");
        if (!name.equals(type)) {
            violations.add(where + ": data type '" + type + "' differs from the event name");
        }
        if (!started && !name.equals("message_start") && !name.equals("error")) {
            violations.add(where + ": first event must be message_start");
        }
        switch (name) {
            case "message_start" -> messageStart(json, where);
            case "content_block_start" -> blockStart(json, where);
            case "content_block_delta" -> blockDelta(json, where);
            case "content_block_stop" -> blockStop(json, where);
            case "message_delta" -> messageDelta(json, where);
            case "message_stop" -> {
                if (!sawMessageDelta) {
                    violations.add(where + ": message_stop without a message_delta");
                }
                if (openIndex >= 0) {
                    violations.add(where + ": message_stop while block " + openIndex + " is open");
                }
                ended = true;
            }
            case "ping" -> {
            }
            case "error" -> {
                JsonNode error = json.get("error");
                if (error == null || Json.text(error, "type") == null || Json.text(error, "message") == null) {
                    violations.add(where + ": error event without error.type and error.message");
                }
                errored = true;
                ended = true;
            }
            default -> violations.add(where + ": unknown event name");
        }
    }

    /** Call at the end of the byte stream; returns the violations found (empty when the stream was valid). */
    public List<String> finish() {
        if (!ended) {
            violations.add("stream ended without message_stop or error");
        }
        return List.copyOf(violations);
    }

    public boolean errored() {
        return errored;
    }

    public String stopReason() {
        return stopReason;
    }

    private void messageStart(JsonNode json, String where) {
        if (started) {
            violations.add(where + ": second message_start");
        }
        started = true;
        JsonNode message = json.get("message");
        if (message == null || !message.isObject()) {
            violations.add(where + ": no message object");
            return;
        }
        for (String field : List.of("id", "model")) {
            if (Json.text(message, field) == null) {
                violations.add(where + ": message." + field + " missing");
            }
        }
        if (!"assistant".equals(Json.text(message, "role")) || !"message".equals(Json.text(message, "type"))) {
            violations.add(where + ": message.role/type must be assistant/message");
        }
        JsonNode content = message.get("content");
        if (content == null || !content.isArray() || !content.isEmpty()) {
            violations.add(where + ": message.content must be []");
        }
        if (!message.has("stop_reason") || !message.get("stop_reason").isNull()) {
            violations.add(where + ": message.stop_reason must be null");
        }
        checkUsage(message.get("usage"), where + ": message.usage", false);
    }

    private void blockStart(JsonNode json, String where) {
        int index = json.path("index").asInt(-1);
        if (openIndex >= 0) {
            violations.add(where + ": block " + index + " started while block " + openIndex + " is open");
        }
        if (sawMessageDelta) {
            violations.add(where + ": block " + index + " started after message_delta");
        }
        if (index != nextIndex) {
            violations.add(where + ": block index " + index + ", expected " + nextIndex);
        }
        nextIndex = index + 1;
        openIndex = index;
        openText.setLength(0);
        openDeltas = 0;
        JsonNode block = json.get("content_block");
        openType = Json.text(block, "type");
        if (openType == null) {
            violations.add(where + ": content_block.type missing");
            return;
        }
        switch (openType) {
            case "text" -> {
                if (!"".equals(Json.text(block, "text"))) {
                    violations.add(where + ": text block must start empty");
                }
            }
            case "thinking" -> {
                if (Json.text(block, "thinking") == null) {
                    violations.add(where + ": thinking block without thinking field");
                }
            }
            case "tool_use" -> {
                sawToolUse = true;
                String id = Json.text(block, "id");
                if (id == null || !id.matches("[a-zA-Z0-9_-]+")) {
                    violations.add(where + ": tool_use id '" + id + "' does not match ^[a-zA-Z0-9_-]+$");
                }
                String name = Json.text(block, "name");
                if (name == null || name.isEmpty()) {
                    violations.add(where + ": tool_use without a name");
                }
                JsonNode input = block.get("input");
                if (input == null || !input.isObject() || !input.isEmpty()) {
                    violations.add(where + ": tool_use must start with input {}");
                }
            }
            case "redacted_thinking" -> {
                if (Json.text(block, "data") == null) {
                    violations.add(where + ": redacted_thinking without data");
                }
            }
            default -> {
                // server tool blocks and results: complete in the start event
            }
        }
    }

    private void blockDelta(JsonNode json, String where) {
        int index = json.path("index").asInt(-1);
        if (index != openIndex || openIndex < 0) {
            violations.add(where + ": delta for block " + index + " but the open block is " + openIndex);
            return;
        }
        openDeltas++;
        JsonNode delta = json.get("delta");
        String type = Json.text(delta, "type");
        String expected = switch (openType == null ? "" : openType) {
            case "text" -> "text_delta|citations_delta";
            case "thinking" -> "thinking_delta|signature_delta";
            case "tool_use", "server_tool_use" -> "input_json_delta";
            default -> "none";
        };
        if (type == null || !Set.of(expected.split("\\|")).contains(type)) {
            violations.add(where + ": delta type " + type + " on a " + openType + " block");
            return;
        }
        switch (type) {
            case "text_delta" -> appendRequired(delta, "text", where);
            case "thinking_delta" -> {
                if (Json.text(delta, "thinking") == null) {
                    violations.add(where + ": thinking_delta without thinking");
                }
            }
            case "signature_delta" -> {
                if (Json.text(delta, "signature") == null) {
                    violations.add(where + ": signature_delta without signature");
                }
            }
            case "input_json_delta" -> appendRequired(delta, "partial_json", where);
            default -> {
            }
        }
    }

    private void appendRequired(JsonNode delta, String field, String where) {
        String value = Json.text(delta, field);
        if (value == null) {
            violations.add(where + ": delta without " + field);
        } else {
            openText.append(value);
        }
    }

    private void blockStop(JsonNode json, String where) {
        int index = json.path("index").asInt(-1);
        if (index != openIndex || openIndex < 0) {
            violations.add(where + ": stop for block " + index + " but the open block is " + openIndex);
            return;
        }
        if ("text".equals(openType) && openText.isEmpty()) {
            violations.add(where + ": empty text block " + index);
        }
        if ("tool_use".equals(openType)) {
            if (openDeltas == 0) {
                violations.add(where + ": tool_use block " + index + " without input_json_delta");
            }
            String input = openText.isEmpty() ? "{}" : openText.toString();
            try {
                if (!Json.parse(input).isObject()) {
                    violations.add(where + ": tool input is not a JSON object: " + input);
                }
            } catch (JacksonException e) {
                violations.add(where + ": tool input is not valid JSON: " + input);
            }
        }
        openIndex = -1;
        openType = null;
    }

    private void messageDelta(JsonNode json, String where) {
        if (openIndex >= 0) {
            violations.add(where + ": message_delta while block " + openIndex + " is open");
        }
        sawMessageDelta = true;
        JsonNode delta = json.get("delta");
        if (delta == null || !delta.isObject()) {
            violations.add(where + ": message_delta without delta");
            return;
        }
        stopReason = Json.text(delta, "stop_reason");
        if (stopReason == null || !STOP_REASONS.contains(stopReason)) {
            violations.add(where + ": stop_reason '" + stopReason + "' is not a valid stop reason");
        } else if (sawToolUse && !"tool_use".equals(stopReason) && !"max_tokens".equals(stopReason)) {
            violations.add(where + ": a turn with tool_use blocks must end with stop_reason tool_use, not "
                    + stopReason);
        }
        checkUsage(json.get("usage"), where + ": usage", true);
    }

    private void checkUsage(JsonNode usage, String where, boolean requireOutput) {
        if (usage == null || !usage.isObject()) {
            violations.add(where + " missing");
            return;
        }
        for (String field : List.of("input_tokens", "output_tokens")) {
            JsonNode value = usage.get(field);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
                if (requireOutput || field.equals("input_tokens")) {
                    violations.add(where + "." + field + " must be a non-negative integer");
                }
            }
        }
    }
}
