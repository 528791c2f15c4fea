package dev.anyclaude.contract;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the contract tests share: the request they send, how they send it, and how they read the answer. */
final class ContractSupport {

    private ContractSupport() {
    }

    /** Whether the client asks for a stream ({@code createStreaming} + {@code MessageAccumulator}) or not. */
    enum Mode {
        STREAMING, NON_STREAMING
    }

    /** Every mode under every standard chunking. */
    static Stream<Arguments> modesAndChunkings() {
        List<Arguments> all = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (Chunking chunking : Chunking.standard()) {
                all.add(Arguments.of(mode, chunking));
            }
        }
        return all.stream();
    }

    static Stream<Arguments> modes() {
        return Stream.of(Mode.values()).map(Arguments::of);
    }

    static Tool weatherTool() {
        return Tool.builder()
                .name("get_weather")
                .description("Current weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of(
                                "city", Map.of("type", "string"),
                                "days", Map.of("type", "integer"))))
                        .addRequired("city")
                        .build())
                .build();
    }

    static Tool timeTool() {
        return Tool.builder()
                .name("get_time")
                .description("Current time in a time zone")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("tz", Map.of("type", "string"))))
                        .addRequired("tz")
                        .build())
                .build();
    }

    /** A request like a client's: a model, a limit, one user turn and two tools. */
    static MessageCreateParams request(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(1024)
                .addUserMessage("What is the weather in Paris?")
                .addTool(weatherTool())
                .addTool(timeTool())
                .build();
    }

    /** Sends the request in the given mode and returns the message the SDK assembled. */
    static Message send(AnthropicClient client, Mode mode, MessageCreateParams params) {
        if (mode == Mode.NON_STREAMING) {
            return client.messages().create(params);
        }
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            MessageAccumulator accumulator = MessageAccumulator.create();
            stream.stream().forEach(accumulator::accumulate);
            return accumulator.message();
        }
    }

    /** Sends the request and returns the service error it must end in. */
    static AnthropicServiceException sendExpectingError(AnthropicClient client, Mode mode, MessageCreateParams params) {
        try {
            Message message = send(client, mode, params);
            throw new AssertionError("expected an API error, got a message: " + message);
        } catch (AnthropicServiceException e) {
            return e;
        }
    }

    /** {@code error.type} of an SDK service error, read from its body. */
    static String errorType(AnthropicServiceException e) {
        Map<?, ?> body = body(e);
        Object error = body.get("error");
        return error instanceof Map<?, ?> map ? String.valueOf(map.get("type")) : null;
    }

    /** {@code error.message} of an SDK service error, read from its body. */
    static String errorMessage(AnthropicServiceException e) {
        Map<?, ?> body = body(e);
        Object error = body.get("error");
        return error instanceof Map<?, ?> map ? String.valueOf(map.get("message")) : null;
    }

    private static Map<?, ?> body(AnthropicServiceException e) {
        try {
            Map<?, ?> body = e.body().convert(Map.class);
            return body == null ? Map.of() : body;
        } catch (RuntimeException notAnObject) {
            return Map.of();
        }
    }

    static List<String> texts(Message message) {
        return message.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).toList();
    }

    static List<String> blockTypes(Message message) {
        return message.content().stream().map(ContractSupport::blockType).toList();
    }

    static String blockType(ContentBlock block) {
        if (block.isText()) {
            return "text";
        }
        if (block.isThinking()) {
            return "thinking";
        }
        if (block.isRedactedThinking()) {
            return "redacted_thinking";
        }
        if (block.isToolUse()) {
            return "tool_use";
        }
        return "other:" + block;
    }

    /** A tool_use block's input as a map. */
    static Map<?, ?> input(ContentBlock block) {
        return block.asToolUse()._input().convert(Map.class);
    }
}
