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
 * Builds an OpenAI Chat Completions stream the way real servers send it: {@code data: {chunk}} lines, an
 * optional usage chunk with {@code choices: []}, and {@code data: [DONE]}. Each method appends chunks; the
 * same transcript can also be turned into the non-streaming {@code chat.completion} body.
 */
public final class OpenAiSse {

    private final String id;
    private final String model;
    private final List<String> frames = new ArrayList<>();
    private final List<ObjectNode> chunks = new ArrayList<>();
    private boolean crlf;

    private OpenAiSse(String id, String model) {
        this.id = id;
        this.model = model;
    }

    /** A transcript whose chunks carry {@code id} and {@code model}. */
    public static OpenAiSse chat(String model) {
        return new OpenAiSse("chatcmpl-fake0001", model);
    }

    /** Uses CRLF line ends (some servers do). */
    public OpenAiSse crlf() {
        this.crlf = true;
        return this;
    }

    /** The usual first chunk: {@code role: assistant} with empty content. */
    public OpenAiSse role() {
        ObjectNode delta = Json.object();
        delta.put("role", "assistant");
        delta.put("content", "");
        return chunk(delta, null);
    }

    /** One chunk per fragment of visible text. */
    public OpenAiSse text(String... fragments) {
        for (String fragment : fragments) {
            ObjectNode delta = Json.object();
            delta.put("content", fragment);
            chunk(delta, null);
        }
        return this;
    }

    /** One chunk per fragment of reasoning, in {@code delta.reasoning_content} (DeepSeek, llama.cpp, LM Studio). */
    public OpenAiSse reasoning(String... fragments) {
        return reasoningField("reasoning_content", fragments);
    }

    /** Reasoning in {@code delta.reasoning} (vLLM, Ollama, mlx). */
    public OpenAiSse reasoningField(String field, String... fragments) {
        for (String fragment : fragments) {
            ObjectNode delta = Json.object();
            delta.put(field, fragment);
            chunk(delta, null);
        }
        return this;
    }

    /**
     * A tool call in OpenAI's canonical fragments: the first carries {@code id}, {@code type}, the function
     * name and empty arguments; each following chunk carries one argument fragment.
     */
    public OpenAiSse toolCall(int index, String callId, String name, String... argumentFragments) {
        ObjectNode first = toolCallNode(index);
        first.put("id", callId);
        first.put("type", "function");
        ObjectNode function = first.putObject("function");
        function.put("name", name);
        function.put("arguments", "");
        toolCallChunk(first);
        for (String fragment : argumentFragments) {
            ObjectNode next = toolCallNode(index);
            next.putObject("function").put("arguments", fragment);
            toolCallChunk(next);
        }
        return this;
    }

    /** A whole tool call in one fragment (Ollama, mlx-lm). */
    public OpenAiSse toolCallWhole(int index, String callId, String name, String arguments) {
        ObjectNode call = toolCallNode(index);
        call.put("id", callId);
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", name);
        function.put("arguments", arguments);
        return toolCallChunk(call);
    }

    /** A chunk with an empty delta and {@code finish_reason}. */
    public OpenAiSse finish(String reason) {
        return chunk(Json.object(), reason);
    }

    /** The final usage chunk ({@code choices: []}), with {@code prompt_tokens_details.cached_tokens}. */
    public OpenAiSse usage(int promptTokens, int completionTokens, int cachedTokens) {
        ObjectNode chunk = base();
        chunk.putArray("choices");
        ObjectNode usage = chunk.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return add(chunk);
    }

    /** An in-stream error chunk: a top-level {@code error} object (OpenAI, OpenRouter, vLLM). */
    public OpenAiSse error(String message, String code) {
        ObjectNode chunk = Json.object();
        ObjectNode error = chunk.putObject("error");
        error.put("message", message);
        error.put("type", "server_error");
        error.put("code", code);
        frames.add("data: " + Json.string(chunk));
        return this;
    }

    /** An SSE comment (keep-alive), e.g. OpenRouter's {@code : OPENROUTER PROCESSING}. */
    public OpenAiSse comment(String text) {
        frames.add(": " + text);
        return this;
    }

    /** The terminating {@code data: [DONE]}. */
    public OpenAiSse done() {
        frames.add("data: [DONE]");
        return this;
    }

    /** A raw frame, written as given followed by a blank line. */
    public OpenAiSse raw(String frame) {
        frames.add(frame);
        return this;
    }

    public byte[] bytes() {
        String eol = crlf ? "\r\n" : "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String frame : frames) {
            out.writeBytes((frame.replace("\n", eol) + eol + eol).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    public FakeUpstream.Reply reply() {
        return FakeUpstream.Reply.sse(bytes());
    }

    /**
     * The same transcript as one non-streaming {@code chat.completion} body, for a gateway that asks with
     * {@code stream: false}.
     */
    public ObjectNode completion() {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        Map<Integer, ObjectNode> calls = new TreeMap<>();
        String finish = null;
        JsonNode usage = null;
        for (ObjectNode chunk : chunks) {
            if (chunk.has("usage") && !chunk.get("usage").isNull()) {
                usage = chunk.get("usage");
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                if (delta.hasNonNull("content")) {
                    content.append(delta.get("content").asString());
                }
                for (String field : List.of("reasoning_content", "reasoning")) {
                    if (delta.hasNonNull(field)) {
                        reasoning.append(delta.get(field).asString());
                    }
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    int index = call.path("index").asInt();
                    ObjectNode merged = calls.computeIfAbsent(index, i -> {
                        ObjectNode node = Json.object();
                        node.putObject("function").put("arguments", "");
                        return node;
                    });
                    if (call.hasNonNull("id")) {
                        merged.put("id", call.get("id").asString());
                        merged.put("type", "function");
                    }
                    JsonNode function = call.path("function");
                    ObjectNode target = (ObjectNode) merged.get("function");
                    if (function.hasNonNull("name")) {
                        target.put("name", function.get("name").asString());
                    }
                    if (function.hasNonNull("arguments")) {
                        target.put("arguments", target.get("arguments").asString() + function.get("arguments").asString());
                    }
                }
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").asString();
                }
            }
        }
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", 1_700_000_000L);
        body.put("model", model);
        ArrayNode choices = body.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content.isEmpty() ? null : content.toString());
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            calls.values().forEach(toolCalls::add);
        }
        choice.put("finish_reason", finish);
        if (usage != null) {
            body.set("usage", usage);
        }
        return body;
    }

    private ObjectNode toolCallNode(int index) {
        ObjectNode call = Json.object();
        call.put("index", index);
        return call;
    }

    private OpenAiSse toolCallChunk(ObjectNode call) {
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(call);
        return chunk(delta, null);
    }

    private OpenAiSse chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = base();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return add(chunk);
    }

    private ObjectNode base() {
        ObjectNode chunk = Json.object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1_700_000_000L);
        chunk.put("model", model);
        return chunk;
    }

    private OpenAiSse add(ObjectNode chunk) {
        chunks.add(chunk);
        frames.add("data: " + Json.string(chunk));
        return this;
    }
}
