package dev.anyclaude.backend;

import dev.anyclaude.api.Ids;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.LimitErrors;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.openai.ToolIds;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.StreamDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

/**
 * Decodes an Anthropic Messages event stream (from an Anthropic-compatible server: llama.cpp, Ollama,
 * LM Studio, vLLM) into {@link ModelEvent}s. Fed by an {@link SseParser}; {@link #end()} must be called
 * at the end of the bytes. Also decodes a whole non-streaming message ({@link #message}) for servers
 * that ignore {@code stream:true}.
 *
 * <p>The flow it emits always ends with exactly one Finish or Failure once {@link #end()} has been
 * called, and nothing follows it. Tool input is buffered until its block stops, because a
 * {@link ModelEvent.ToolCall} carries complete JSON.
 */
public final class AnthropicEventDecoder implements StreamDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicEventDecoder.class);

    /** A started content block: its type and, for tool_use, what is needed to emit the call at its stop. */
    private static final class Block {
        final String type;
        final String id;
        final String name;
        final JsonNode startInput;
        final StringBuilder json = new StringBuilder();

        Block(String type, String id, String name, JsonNode startInput) {
            this.type = type;
            this.id = id;
            this.name = name;
            this.startInput = startInput;
        }

        boolean isTool() {
            return "tool_use".equals(type);
        }

        /** Blocks we have no event for (server tools and their results, unknown kinds): their deltas are dropped. */
        boolean isSkipped() {
            return switch (type) {
                case "text", "thinking", "tool_use", "redacted_thinking" -> false;
                default -> true;
            };
        }
    }

    private final ModelEventSink sink;
    private final Integer requestedMaxTokens;
    private final String model;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private boolean ended;
    /** Ended with the answer complete (message_stop, or a stop reason and the end of the bytes), not a failure. */
    private boolean completed;
    private String stopReason;
    private String stopSequence;

    public AnthropicEventDecoder(ModelEventSink sink) {
        this(sink, null, null);
    }

    /**
     * @param requestedMaxTokens and {@code model} let an in-stream context/output-limit error be
     *                           reworded the way Claude Code recognises (see {@link UpstreamErrors})
     */
    public AnthropicEventDecoder(ModelEventSink sink, Integer requestedMaxTokens, String model) {
        this.sink = sink;
        this.requestedMaxTokens = requestedMaxTokens;
        this.model = model;
    }

    /** Whether the stream ended with a complete answer, not a failure. */
    public boolean completed() {
        return completed;
    }

    /** True once Finish or Failure has been emitted. */
    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public void onEvent(String event, String data) {
        if (ended) {
            return;
        }
        JsonNode json;
        try {
            json = Json.parse(data);
        } catch (JacksonException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            fail(ApiError.apiError("malformed event from the upstream (data is not a JSON object): "
                    + abbreviate(data)));
            return;
        }
        // The SDKs dispatch on the SSE event name; a server that leaves it out still names the type in the data.
        String name = event != null ? event : Json.text(json, "type");
        switch (name == null ? "" : name) {
            case "message_start" -> usage(json.path("message").path("usage"));
            case "content_block_start" -> blockStart(json.path("index").asInt(-1), json.path("content_block"));
            case "content_block_delta" -> blockDelta(json.path("index").asInt(-1), json.path("delta"));
            case "content_block_stop" -> blockStop(json.path("index").asInt(-1));
            case "message_delta" -> messageDelta(json);
            case "message_stop" -> finish();
            case "ping" -> {
            }
            case "error" -> fail(errorOf(json));
            default -> LOG.debug("ignoring unknown upstream event '{}'", name);
        }
    }

    /** End of the upstream bytes. A stream that stated its stop reason but lost its message_stop still finishes. */
    @Override
    public void end() {
        if (ended) {
            return;
        }
        if (stopReason != null) {
            finish();
        } else {
            fail(ApiError.apiError("upstream stream ended before message_stop"));
        }
    }

    @Override
    public void fail(ApiError error) {
        if (!ended) {
            LOG.warn("upstream response failed: {}", error.message());
            ended = true;
            sink.accept(new ModelEvent.Failure(error));
        }
    }

    /**
     * Decodes a complete (non-streaming) Messages response: its blocks in order, its usage and its stop
     * reason, through the same paths as the streamed events.
     */
    public void message(JsonNode message) {
        if (ended) {
            return;
        }
        if ("error".equals(Json.text(message, "type"))) {
            fail(errorOf(message));
            return;
        }
        JsonNode content = message == null ? null : message.get("content");
        if (content == null || !content.isArray()) {
            fail(ApiError.apiError("malformed response from the upstream: no content array"));
            return;
        }
        for (int i = 0; i < content.size() && !ended; i++) {
            blockStart(i, content.get(i));
            blockStop(i);
        }
        usage(message.path("usage"));
        stopReason = Json.text(message, "stop_reason");
        stopSequence = Json.text(message, "stop_sequence");
        finish();
    }

    private void blockStart(int index, JsonNode block) {
        String type = Json.text(block, "type");
        Block started = new Block(type == null ? "" : type, Json.text(block, "id"), Json.text(block, "name"),
                block.get("input"));
        blocks.put(index, started);
        switch (started.type) {
            // A start block normally arrives empty, but nothing forbids content in it (and whole messages have it).
            case "text" -> text(Json.text(block, "text"));
            case "thinking" -> {
                String thinking = Json.text(block, "thinking");
                if (thinking != null && !thinking.isEmpty()) {
                    emit(new ModelEvent.ThinkingDelta(thinking));
                }
                String signature = Json.text(block, "signature");
                if (signature != null && !signature.isEmpty()) {
                    emit(new ModelEvent.ThinkingSignature(signature));
                }
            }
            case "redacted_thinking" -> {
                String data = Json.text(block, "data");
                if (data != null) {
                    emit(new ModelEvent.RedactedThinking(data));
                }
            }
            case "tool_use" -> {
                // input arrives in input_json_delta fragments; emitted at the block's stop
            }
            default -> LOG.debug("skipping upstream content block of type '{}' (no model event for it)", type);
        }
    }

    private void blockDelta(int index, JsonNode delta) {
        Block block = blocks.get(index);
        if (block != null && block.isSkipped()) {
            return;
        }
        String type = Json.text(delta, "type");
        switch (type == null ? "" : type) {
            case "text_delta" -> text(Json.text(delta, "text"));
            case "thinking_delta" -> {
                String thinking = Json.text(delta, "thinking");
                if (thinking != null && !thinking.isEmpty()) {
                    emit(new ModelEvent.ThinkingDelta(thinking));
                }
            }
            case "signature_delta" -> {
                String signature = Json.text(delta, "signature");
                if (signature != null) {
                    emit(new ModelEvent.ThinkingSignature(signature));
                }
            }
            case "input_json_delta" -> {
                String fragment = Json.text(delta, "partial_json");
                if (block != null && block.isTool() && fragment != null) {
                    block.json.append(fragment);
                }
            }
            default -> LOG.debug("ignoring upstream delta of type '{}'", type);
        }
    }

    private void blockStop(int index) {
        Block block = blocks.remove(index);
        if (block != null && block.isTool()) {
            toolCall(block);
        }
    }

    private void messageDelta(JsonNode json) {
        // A server that forgot a tool block's stop still gets its call delivered before the turn ends.
        flushTools();
        String reason = Json.text(json.path("delta"), "stop_reason");
        if (reason != null) {
            stopReason = reason;
            stopSequence = Json.text(json.path("delta"), "stop_sequence");
        }
        usage(json.path("usage"));
    }

    private void finish() {
        flushTools();
        if (!ended) {
            ended = true;
            completed = true;
            sink.accept(new ModelEvent.Finish(StopReason.fromWire(stopReason), stopSequence));
        }
    }

    private void flushTools() {
        blocks.entrySet().stream()
                .filter(e -> e.getValue().isTool())
                .map(Map.Entry::getKey)
                .sorted()
                .toList()
                .forEach(this::blockStop);
    }

    private void toolCall(Block block) {
        String input = block.json.toString();
        if (input.isBlank() && block.startInput != null && block.startInput.isObject()) {
            input = Json.string(block.startInput);
        }
        if (input.isBlank()) {
            input = "{}";
        }
        boolean object;
        try {
            object = Json.parse(input).isObject();
        } catch (JacksonException e) {
            object = false;
        }
        if (!object || block.name == null || block.name.isEmpty()) {
            // A client cannot run a call without a name or with unusable arguments; show it instead of losing it.
            LOG.warn("upstream tool call '{}' has {} input ({} chars); delivering it as text", block.name,
                    object ? "no name for its" : "invalid JSON", input.length());
            emit(new ModelEvent.TextDelta("\n[tool call " + block.name + " with invalid input: " + input + "]\n"));
            return;
        }
        String id = ToolIds.toAnthropic(block.id);
        if (id == null) {
            id = Ids.toolUse();
        }
        emit(new ModelEvent.ToolCall(id, block.name, input));
    }

    private void text(String text) {
        if (text != null && !text.isEmpty()) {
            emit(new ModelEvent.TextDelta(text));
        }
    }

    /**
     * Usage from message_start or message_delta. An input count of 0 with no cached tokens is a
     * placeholder (several local servers send it before they know), not a figure: reporting it would
     * freeze Claude Code's context meter at zero.
     */
    private void usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        Long input = count(usage, "input_tokens");
        Long output = count(usage, "output_tokens");
        Long cacheRead = count(usage, "cache_read_input_tokens");
        Long cacheCreation = count(usage, "cache_creation_input_tokens");
        if (input != null && input == 0 && zeroOrNull(cacheRead) && zeroOrNull(cacheCreation)) {
            input = null;
        }
        if (input != null || output != null || cacheRead != null || cacheCreation != null) {
            emit(new ModelEvent.Usage(input, output, cacheRead, cacheCreation));
        }
    }

    private static Long count(JsonNode usage, String field) {
        JsonNode value = usage.get(field);
        return value != null && value.isNumber() && value.canConvertToLong() && value.asLong() >= 0
                ? value.asLong() : null;
    }

    private static boolean zeroOrNull(Long value) {
        return value == null || value == 0;
    }

    /** The error of an {@code error} event (or body); also accepts the bare {@code {message,type}} of some servers. */
    private ApiError errorOf(JsonNode json) {
        JsonNode error = json.get("error");
        String type;
        String message;
        if (error != null && error.isObject()) {
            type = Json.text(error, "type");
            message = Json.text(error, "message");
        } else if (error != null && error.isString()) {
            type = null;
            message = error.stringValue();
        } else {
            type = "error".equals(Json.text(json, "type")) ? null : Json.text(json, "type");
            message = Json.text(json, "message");
        }
        if (message == null) {
            message = "upstream sent an error event: " + abbreviate(Json.string(json));
        }
        int status = statusOf(type);
        if (status == 0 || status == 400) {
            // llama.cpp and vLLM report context overflow in their own words; Claude Code only compacts on Anthropic's.
            ApiError rewritten = LimitErrors.rewrite(message, requestedMaxTokens, model);
            if (rewritten != null) {
                return rewritten;
            }
        }
        return status == 0 ? ApiError.apiError(message) : new ApiError(status, type, message);
    }

    /** The HTTP status that goes with an Anthropic error type; 0 for a type that is not Anthropic's. */
    static int statusOf(String type) {
        return switch (type == null ? "" : type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "api_error" -> 500;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 0;
        };
    }

    private void emit(ModelEvent event) {
        if (!ended) {
            sink.accept(event);
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
