package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds an Anthropic Messages event stream as the real API sends it ({@code event:} + one-line {@code data:}
 * frames): {@code message_start}, blocks with their deltas, {@code message_delta}, {@code message_stop}, or an
 * {@code error} event. Block indexes are assigned in order. The same events can be folded into the
 * non-streaming message body.
 */
public final class AnthropicSse {

    /** One SSE event as written. */
    public record Event(String name, String data) {
    }

    private final List<Event> events = new ArrayList<>();
    private int nextIndex;
    private int inputTokens;
    private int cacheReadTokens;

    private AnthropicSse() {
    }

    /** Starts with {@code message_start}: empty content, null stop reason, the given input usage. */
    public static AnthropicSse message(String id, String model, int inputTokens, int cacheReadTokens) {
        AnthropicSse sse = new AnthropicSse();
        sse.inputTokens = inputTokens;
        sse.cacheReadTokens = cacheReadTokens;
        ObjectNode event = Json.object();
        event.put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage");
        usage.put("input_tokens", inputTokens);
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", cacheReadTokens);
        usage.put("output_tokens", 1);
        usage.put("service_tier", "standard");
        return sse.add("message_start", event);
    }

    public static AnthropicSse message(String model) {
        return message("msg_fake0001", model, 25, 0);
    }

    /** A ping, spaced like the real API's ({@code {"type": "ping"}}). */
    public AnthropicSse ping() {
        events.add(new Event("ping", "{\"type\": \"ping\"}"));
        return this;
    }

    /** A text block with one {@code text_delta} per fragment. */
    public AnthropicSse text(String... fragments) {
        int index = nextIndex++;
        ObjectNode block = Json.object();
        block.put("type", "text");
        block.put("text", "");
        blockStart(index, block);
        for (String fragment : fragments) {
            ObjectNode delta = Json.object();
            delta.put("type", "text_delta");
            delta.put("text", fragment);
            blockDelta(index, delta);
        }
        return blockStop(index);
    }

    /** A thinking block: {@code thinking_delta}s, then one {@code signature_delta}. */
    public AnthropicSse thinking(String signature, String... fragments) {
        int index = nextIndex++;
        ObjectNode block = Json.object();
        block.put("type", "thinking");
        block.put("thinking", "");
        block.put("signature", "");
        blockStart(index, block);
        for (String fragment : fragments) {
            ObjectNode delta = Json.object();
            delta.put("type", "thinking_delta");
            delta.put("thinking", fragment);
            blockDelta(index, delta);
        }
        ObjectNode delta = Json.object();
        delta.put("type", "signature_delta");
        delta.put("signature", signature);
        blockDelta(index, delta);
        return blockStop(index);
    }

    /** A tool_use block; like the real API the first {@code input_json_delta} is empty. */
    public AnthropicSse toolUse(String id, String name, String... partialJson) {
        int index = nextIndex++;
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", id);
        block.put("name", name);
        block.putObject("input");
        blockStart(index, block);
        List<String> parts = new ArrayList<>();
        parts.add("");
        parts.addAll(List.of(partialJson));
        for (String part : parts) {
            ObjectNode delta = Json.object();
            delta.put("type", "input_json_delta");
            delta.put("partial_json", part);
            blockDelta(index, delta);
        }
        return blockStop(index);
    }

    /**
     * {@code message_delta} with the stop reason and the cumulative usage in the current API's shape (input and
     * cache counters repeated next to {@code output_tokens}).
     */
    public AnthropicSse messageDelta(String stopReason, int outputTokens) {
        ObjectNode event = Json.object();
        event.put("type", "message_delta");
        ObjectNode delta = event.putObject("delta");
        delta.put("stop_reason", stopReason);
        delta.putNull("stop_sequence");
        ObjectNode usage = event.putObject("usage");
        usage.put("input_tokens", inputTokens);
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", cacheReadTokens);
        usage.put("output_tokens", outputTokens);
        return add("message_delta", event);
    }

    public AnthropicSse messageStop() {
        ObjectNode event = Json.object();
        event.put("type", "message_stop");
        return add("message_stop", event);
    }

    /** {@code message_delta} + {@code message_stop}. */
    public AnthropicSse end(String stopReason, int outputTokens) {
        return messageDelta(stopReason, outputTokens).messageStop();
    }

    /** An {@code error} event, which ends the stream. */
    public AnthropicSse error(String type, String message) {
        return add("error", ErrorBodies.anthropicJson(type, message));
    }

    /** Any event, as given. */
    public AnthropicSse raw(String name, String data) {
        events.add(new Event(name, data));
        return this;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Event event : events) {
            out.writeBytes(("event: " + event.name() + "\ndata: " + event.data() + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    public FakeUpstream.Reply reply() {
        return FakeUpstream.Reply.sse(bytes()).withHeader("request-id", "req_fake0001");
    }

    /** The events folded into the non-streaming {@code message} body, as the API answers {@code stream: false}. */
    public ObjectNode message() {
        ObjectNode message = null;
        Map<Integer, ObjectNode> blocks = new TreeMap<>();
        Map<Integer, StringBuilder> inputs = new TreeMap<>();
        for (Event event : events) {
            JsonNode json = Json.parse(event.data());
            switch (event.name()) {
                case "message_start" -> message = ((ObjectNode) json.get("message")).deepCopy();
                case "content_block_start" -> {
                    int index = json.get("index").asInt();
                    blocks.put(index, ((ObjectNode) json.get("content_block")).deepCopy());
                    inputs.put(index, new StringBuilder());
                }
                case "content_block_delta" -> {
                    int index = json.get("index").asInt();
                    ObjectNode block = blocks.get(index);
                    JsonNode delta = json.get("delta");
                    switch (delta.get("type").asString()) {
                        case "text_delta" -> block.put("text", block.get("text").asString() + delta.get("text").asString());
                        case "thinking_delta" ->
                                block.put("thinking", block.get("thinking").asString() + delta.get("thinking").asString());
                        case "signature_delta" -> block.put("signature", delta.get("signature").asString());
                        case "input_json_delta" -> inputs.get(index).append(delta.get("partial_json").asString());
                        default -> throw new IllegalStateException("unknown delta " + delta);
                    }
                }
                case "content_block_stop" -> {
                    int index = json.get("index").asInt();
                    ObjectNode block = blocks.get(index);
                    if (block.get("type").asString().equals("tool_use")) {
                        String input = inputs.get(index).toString();
                        block.set("input", input.isEmpty() ? Json.object() : Json.parse(input));
                    }
                }
                case "message_delta" -> {
                    message.put("stop_reason", json.get("delta").get("stop_reason").asString());
                    ObjectNode usage = (ObjectNode) message.get("usage");
                    json.get("usage").properties().forEach(e -> usage.set(e.getKey(), e.getValue()));
                }
                case "error" -> throw new IllegalStateException("an errored stream has no message body");
                default -> {
                }
            }
        }
        if (message == null) {
            throw new IllegalStateException("no message_start");
        }
        ArrayNode content = message.putArray("content");
        blocks.values().forEach(content::add);
        return message;
    }

    /** A reply that streams when the request asks for it and answers with the folded message otherwise. */
    public FakeUpstream.Reply replyFor(FakeUpstream.RecordedRequest request) {
        return request.wantsStream() ? reply() : FakeUpstream.Reply.json(200, message()).withHeader("request-id", "req_fake0001");
    }

    private void blockStart(int index, ObjectNode block) {
        ObjectNode event = Json.object();
        event.put("type", "content_block_start");
        event.put("index", index);
        event.set("content_block", block);
        add("content_block_start", event);
    }

    private void blockDelta(int index, ObjectNode delta) {
        ObjectNode event = Json.object();
        event.put("type", "content_block_delta");
        event.put("index", index);
        event.set("delta", delta);
        add("content_block_delta", event);
    }

    private AnthropicSse blockStop(int index) {
        ObjectNode event = Json.object();
        event.put("type", "content_block_stop");
        event.put("index", index);
        return add("content_block_stop", event);
    }

    private AnthropicSse add(String name, ObjectNode data) {
        events.add(new Event(name, Json.string(data)));
        return this;
    }
}
