package dev.anyclaude.api;

import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ResponseAssembler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MessageBuilderTest {

    private final List<StreamEvent> events = new ArrayList<>();
    private final MessageBuilder builder = new MessageBuilder();

    /** Runs a flow through the assembler into the builder, keeping the events for the streaming side. */
    private ObjectNode build(ModelEvent... flow) {
        ResponseAssembler assembler = new ResponseAssembler(event -> {
            events.add(event);
            builder.accept(event);
        }, "msg_1", "model-x", 50);
        for (ModelEvent event : flow) {
            assembler.accept(event);
        }
        return builder.message();
    }

    /**
     * The message as the official Java SDK's accumulator makes it from the SSE bytes of the same events,
     * re-read as a tree: an independent reading of "what the stream said".
     */
    private JsonNode streamedMessage() throws Exception {
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        events.forEach(event -> sse.writeBytes(SseEncoder.encode(event)));
        MessageAccumulator accumulator = MessageAccumulator.create();
        new SseParser((name, data) -> {
            try {
                accumulator.accumulate(ObjectMappers.jsonMapper().readValue(data, RawMessageStreamEvent.class));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).feed(sse.toByteArray());
        return Json.parse(ObjectMappers.jsonMapper().writeValueAsString(accumulator.message()));
    }

    private static ModelEvent text(String text) {
        return new ModelEvent.TextDelta(text);
    }

    @Test
    void textDeltasAreConcatenatedIntoOneBlock() {
        ObjectNode message = build(text("Hel"), text("lo, "), text("world"),
                new ModelEvent.Finish(StopReason.END_TURN, null));

        assertThat(Json.string(message.get("content"))).isEqualTo("[{\"type\":\"text\",\"text\":\"Hello, world\"}]");
        assertThat(message.get("id").stringValue()).isEqualTo("msg_1");
        assertThat(message.get("type").stringValue()).isEqualTo("message");
        assertThat(message.get("role").stringValue()).isEqualTo("assistant");
        assertThat(message.get("model").stringValue()).isEqualTo("model-x");
        assertThat(message.get("stop_reason").stringValue()).isEqualTo("end_turn");
        assertThat(message.get("stop_sequence").isNull()).isTrue();
    }

    @Test
    void thinkingTextAndSignatureMakeOneThinkingBlock() {
        ObjectNode message = build(new ModelEvent.ThinkingDelta("Let me "), new ModelEvent.ThinkingDelta("think."),
                new ModelEvent.ThinkingSignature("sig-abc"), text("Answer."),
                new ModelEvent.Finish(StopReason.END_TURN, null));

        assertThat(Json.string(message.get("content"))).isEqualTo(
                "[{\"type\":\"thinking\",\"thinking\":\"Let me think.\",\"signature\":\"sig-abc\"},"
                        + "{\"type\":\"text\",\"text\":\"Answer.\"}]");
    }

    @Test
    void redactedThinkingKeepsItsData() {
        ObjectNode message = build(new ModelEvent.RedactedThinking("opaque"), text("x"),
                new ModelEvent.Finish(StopReason.END_TURN, null));

        assertThat(Json.string(message.get("content").get(0)))
                .isEqualTo("{\"type\":\"redacted_thinking\",\"data\":\"opaque\"}");
    }

    @Test
    void toolInputIsParsedIntoAnObject() {
        ObjectNode message = build(text("Reading."),
                new ModelEvent.ToolCall("toolu_1", "Read", "{\"path\":\"a.txt\",\"limit\":5}"),
                new ModelEvent.ToolCall("toolu_2", "Ls", "{}"),
                new ModelEvent.Finish(StopReason.END_TURN, null));

        assertThat(Json.string(message.get("content").get(1))).isEqualTo(
                "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\",\"input\":{\"path\":\"a.txt\",\"limit\":5}}");
        assertThat(Json.string(message.get("content").get(2).get("input"))).isEqualTo("{}");
        assertThat(message.get("stop_reason").stringValue()).isEqualTo("tool_use");
    }

    @Test
    void stopSequenceAndUsageComeFromTheMessageDelta() {
        ObjectNode message = build(new ModelEvent.Usage(12L, null, 30L, 4L), text("Hi"),
                new ModelEvent.Usage(null, 7L, null, null), new ModelEvent.Finish(StopReason.STOP_SEQUENCE, "###"));

        assertThat(message.get("stop_reason").stringValue()).isEqualTo("stop_sequence");
        assertThat(message.get("stop_sequence").stringValue()).isEqualTo("###");
        assertThat(Json.string(message.get("usage"))).isEqualTo("{\"input_tokens\":12,\"cache_creation_input_tokens\":4,"
                + "\"cache_read_input_tokens\":30,\"output_tokens\":7}");
    }

    @Test
    void messageEqualsWhatTheStreamSaid() throws Exception {
        ObjectNode built = build(new ModelEvent.ThinkingDelta("plan"), new ModelEvent.ThinkingSignature("sig"),
                text("I'll "), text("look."), new ModelEvent.ToolCall("toolu_9", "Grep", "{\"pattern\":\"x\\\\d\"}"),
                new ModelEvent.Usage(20L, 11L, 5L, 0L), new ModelEvent.Finish(StopReason.END_TURN, null));
        JsonNode message = Json.parse(Json.string(built)); // as a client reads it: numbers as parsed
        JsonNode streamed = streamedMessage();

        for (String field : List.of("id", "type", "role", "model", "stop_reason", "stop_sequence")) {
            assertThat(message.get(field)).as(field).isEqualTo(streamed.get(field));
        }
        assertThat(message.get("content")).hasSize(streamed.get("content").size());
        for (int i = 0; i < message.get("content").size(); i++) {
            JsonNode block = message.get("content").get(i);
            JsonNode fromStream = streamed.get("content").get(i);
            for (String field : List.of("type", "text", "thinking", "signature", "id", "name", "input")) {
                assertThat(block.get(field)).as("content %d %s", i, field).isEqualTo(fromStream.get(field));
            }
        }
        for (String field : List.of("input_tokens", "output_tokens", "cache_read_input_tokens",
                "cache_creation_input_tokens")) {
            assertThat(message.get("usage").get(field)).as("usage " + field).isEqualTo(streamed.get("usage").get(field));
        }
    }

    @Test
    void errorEventMakesMessageThrowThatError() {
        ApiError overloaded = ApiError.overloaded("Overloaded");
        builder.accept(new StreamEvent.MessageStart("msg_1", "m", Usage.ZERO));
        builder.accept(new StreamEvent.Error(overloaded));

        ApiException e = catchThrowableOfType(ApiException.class, builder::message);

        assertThat(e.error()).isEqualTo(overloaded);
    }

    @Test
    void failureBeforeOutputThrowsTheFailure() {
        ApiError limit = ApiError.invalidRequest("prompt is too long: 9 tokens > 8 maximum");

        ApiException e = catchThrowableOfType(ApiException.class,
                () -> build(new ModelEvent.Failure(limit)));

        assertThat(e.error()).isEqualTo(limit);
    }

    @Test
    void streamWithoutMessageStopThrows() {
        builder.accept(new StreamEvent.MessageStart("msg_1", "m", Usage.ZERO));
        builder.accept(new StreamEvent.BlockStart(0, Json.object().put("type", "text").put("text", "")));
        builder.accept(new StreamEvent.BlockDelta(0, Json.object().put("type", "text_delta").put("text", "Hi")));
        builder.accept(new StreamEvent.BlockStop(0));
        builder.accept(new StreamEvent.MessageDelta(StopReason.END_TURN, null, Usage.ZERO));

        ApiException e = catchThrowableOfType(ApiException.class, builder::message);

        assertThat(e.error().type()).isEqualTo("api_error");
        assertThat(e.error().status()).isEqualTo(500);
    }

    @Test
    void nothingAtAllThrows() {
        assertThat(catchThrowableOfType(ApiException.class, builder::message).error().type()).isEqualTo("api_error");
    }

    @Test
    void pingsChangeNothing() {
        builder.accept(new StreamEvent.Ping());
        ObjectNode message = build(text("Hi"), new ModelEvent.Finish(StopReason.END_TURN, null));
        builder.accept(new StreamEvent.Ping());

        assertThat(Json.string(message.get("content"))).isEqualTo("[{\"type\":\"text\",\"text\":\"Hi\"}]");
    }
}
