package dev.anyclaude.api;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the non-streaming response ({@code stream:false}) from the same events a stream would carry,
 * so both forms always agree. An {@code error} event makes {@link #message()} throw the error.
 */
public final class MessageBuilder implements StreamEventSink {

    private ObjectNode message;
    private final List<ObjectNode> blocks = new ArrayList<>();
    private final List<StringBuilder> toolInputs = new ArrayList<>();
    private ApiError error;
    private boolean stopped;

    @Override
    public void accept(StreamEvent event) {
        switch (event) {
            case StreamEvent.MessageStart start -> message = start.toJson().withObject("message");
            case StreamEvent.BlockStart start -> {
                blocks.add(start.block().deepCopy());
                toolInputs.add(new StringBuilder());
            }
            case StreamEvent.BlockDelta delta -> apply(delta.index(), delta.delta());
            case StreamEvent.BlockStop stop -> finishBlock(stop.index());
            case StreamEvent.MessageDelta delta -> {
                message.put("stop_reason", delta.stopReason().wire());
                if (delta.stopSequence() == null) {
                    message.putNull("stop_sequence");
                } else {
                    message.put("stop_sequence", delta.stopSequence());
                }
                message.set("usage", delta.usage().toJson());
            }
            case StreamEvent.MessageStop stop -> stopped = true;
            case StreamEvent.Ping ping -> {
            }
            case StreamEvent.Error failure -> error = failure.error();
        }
    }

    /** The finished message, or the error the stream ended with. */
    public ObjectNode message() {
        if (error != null) {
            throw new ApiException(error);
        }
        if (message == null || !stopped) {
            throw new ApiException(ApiError.apiError("upstream response ended before the message was complete"));
        }
        ArrayNode content = Json.array();
        blocks.forEach(content::add);
        message.set("content", content);
        return message;
    }

    private void apply(int index, ObjectNode delta) {
        ObjectNode block = blocks.get(index);
        String type = Json.text(delta, "type");
        switch (type == null ? "" : type) {
            case "text_delta" -> block.put("text", Json.text(block, "text") + Json.text(delta, "text"));
            case "thinking_delta" -> block.put("thinking", Json.text(block, "thinking") + Json.text(delta, "thinking"));
            case "signature_delta" -> block.put("signature", Json.text(delta, "signature"));
            case "input_json_delta" -> toolInputs.get(index).append(Json.text(delta, "partial_json"));
            default -> {
            }
        }
    }

    private void finishBlock(int index) {
        ObjectNode block = blocks.get(index);
        if ("tool_use".equals(Json.text(block, "type"))) {
            String input = toolInputs.get(index).toString();
            JsonNode parsed;
            try {
                parsed = input.isEmpty() ? Json.object() : Json.parse(input);
            } catch (JacksonException e) {
                parsed = Json.object();
            }
            block.set("input", parsed);
        }
    }
}
