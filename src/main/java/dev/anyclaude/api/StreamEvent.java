package dev.anyclaude.api;

import tools.jackson.databind.node.ObjectNode;

/** The Anthropic SSE events a response stream is made of. {@link #name()} is the SSE event name. */
public sealed interface StreamEvent {

    String name();

    /** The {@code data:} payload. */
    ObjectNode toJson();

    record MessageStart(String id, String model, Usage usage) implements StreamEvent {
        public String name() {
            return "message_start";
        }

        public ObjectNode toJson() {
            ObjectNode message = Json.object();
            message.put("id", id);
            message.put("type", "message");
            message.put("role", "assistant");
            message.put("model", model);
            message.set("content", Json.array());
            message.putNull("stop_reason");
            message.putNull("stop_sequence");
            message.set("usage", usage.toJson());
            ObjectNode event = Json.object();
            event.put("type", name());
            event.set("message", message);
            return event;
        }
    }

    /** {@code block} is the initial block: {@code {"type":"text","text":""}}, a tool_use with empty input, ... */
    record BlockStart(int index, ObjectNode block) implements StreamEvent {
        public String name() {
            return "content_block_start";
        }

        public ObjectNode toJson() {
            ObjectNode event = Json.object();
            event.put("type", name());
            event.put("index", index);
            event.set("content_block", block);
            return event;
        }
    }

    /** {@code delta} is one of text_delta, thinking_delta, signature_delta, input_json_delta. */
    record BlockDelta(int index, ObjectNode delta) implements StreamEvent {
        public String name() {
            return "content_block_delta";
        }

        public ObjectNode toJson() {
            ObjectNode event = Json.object();
            event.put("type", name());
            event.put("index", index);
            event.set("delta", delta);
            return event;
        }
    }

    record BlockStop(int index) implements StreamEvent {
        public String name() {
            return "content_block_stop";
        }

        public ObjectNode toJson() {
            ObjectNode event = Json.object();
            event.put("type", name());
            event.put("index", index);
            return event;
        }
    }

    record MessageDelta(StopReason stopReason, String stopSequence, Usage usage) implements StreamEvent {
        public String name() {
            return "message_delta";
        }

        public ObjectNode toJson() {
            ObjectNode delta = Json.object();
            delta.put("stop_reason", stopReason.wire());
            if (stopSequence == null) {
                delta.putNull("stop_sequence");
            } else {
                delta.put("stop_sequence", stopSequence);
            }
            ObjectNode event = Json.object();
            event.put("type", name());
            event.set("delta", delta);
            event.set("usage", usage.toJson());
            return event;
        }
    }

    record MessageStop() implements StreamEvent {
        public String name() {
            return "message_stop";
        }

        public ObjectNode toJson() {
            ObjectNode event = Json.object();
            event.put("type", name());
            return event;
        }
    }

    record Ping() implements StreamEvent {
        public String name() {
            return "ping";
        }

        public ObjectNode toJson() {
            ObjectNode event = Json.object();
            event.put("type", name());
            return event;
        }
    }

    record Error(ApiError error) implements StreamEvent {
        public String name() {
            return "error";
        }

        public ObjectNode toJson() {
            return error.body(null);
        }
    }
}
