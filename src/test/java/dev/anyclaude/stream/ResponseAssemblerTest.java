package dev.anyclaude.stream;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.StreamValidator;
import dev.anyclaude.api.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseAssemblerTest {

    private static final long ESTIMATE = 1000;

    private final List<StreamEvent> events = new ArrayList<>();
    private final ResponseAssembler assembler = new ResponseAssembler(events::add, "msg_test", "model-x", ESTIMATE);

    private static final ModelEvent END = new ModelEvent.Finish(StopReason.END_TURN, null);

    private static ModelEvent text(String text) {
        return new ModelEvent.TextDelta(text);
    }

    private static ModelEvent thinking(String text) {
        return new ModelEvent.ThinkingDelta(text);
    }

    private static ModelEvent signature(String signature) {
        return new ModelEvent.ThinkingSignature(signature);
    }

    private static ModelEvent tool(String id, String json) {
        return new ModelEvent.ToolCall(id, "Read", json);
    }

    private static ModelEvent finish(StopReason reason) {
        return new ModelEvent.Finish(reason, null);
    }

    private List<String> run(ModelEvent... flow) {
        for (ModelEvent event : flow) {
            assembler.accept(event);
        }
        assertThat(violations()).as("validator on %s", describe()).isEmpty();
        return describe();
    }

    /** The events in a compact form: {@code start}, {@code +0 text}, {@code 0 text_delta:Hi}, {@code -0}, ... */
    private List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (StreamEvent event : events) {
            lines.add(switch (event) {
                case StreamEvent.MessageStart start -> "start";
                case StreamEvent.BlockStart start -> "+" + start.index() + " " + Json.text(start.block(), "type");
                case StreamEvent.BlockDelta delta -> {
                    String type = Json.text(delta.delta(), "type");
                    String field = switch (type) {
                        case "text_delta" -> "text";
                        case "thinking_delta" -> "thinking";
                        case "signature_delta" -> "signature";
                        case "input_json_delta" -> "partial_json";
                        default -> "?";
                    };
                    yield delta.index() + " " + type + ":" + Json.text(delta.delta(), field);
                }
                case StreamEvent.BlockStop stop -> "-" + stop.index();
                case StreamEvent.MessageDelta delta -> "delta " + delta.stopReason().wire()
                        + (delta.stopSequence() == null ? "" : " " + delta.stopSequence());
                case StreamEvent.MessageStop stop -> "stop";
                case StreamEvent.Ping ping -> "ping";
                case StreamEvent.Error error -> "error " + error.error().type() + ": " + error.error().message();
            });
        }
        return lines;
    }

    /** What the strict validator says about the SSE bytes of the events so far. */
    private List<String> violations() {
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        events.forEach(event -> sse.writeBytes(SseEncoder.encode(event)));
        StreamValidator validator = new StreamValidator();
        SseParser parser = new SseParser(validator::accept);
        parser.feed(sse.toByteArray());
        parser.end();
        return validator.finish();
    }

    private Usage startUsage() {
        return events.stream().filter(StreamEvent.MessageStart.class::isInstance)
                .map(e -> ((StreamEvent.MessageStart) e).usage()).findFirst().orElseThrow();
    }

    private Usage deltaUsage() {
        return events.stream().filter(StreamEvent.MessageDelta.class::isInstance)
                .map(e -> ((StreamEvent.MessageDelta) e).usage()).findFirst().orElseThrow();
    }

    // ---- message_start ------------------------------------------------------------------------------------

    @Test
    void messageStartWaitsForTheFirstOutput() {
        assembler.accept(new ModelEvent.Usage(10L, null, null, null));
        assembler.accept(text(""));
        assembler.accept(thinking(""));

        assertThat(events).isEmpty();
        assertThat(assembler.started()).isFalse();

        assembler.accept(text("Hi"));

        assertThat(describe()).containsExactly("start", "+0 text", "0 text_delta:Hi");
        assertThat(assembler.started()).isTrue();
    }

    @Test
    void messageStartCarriesIdModelAndAnEmptyMessage() {
        run(text("Hi"), END);

        StreamEvent.MessageStart start = (StreamEvent.MessageStart) events.getFirst();
        assertThat(start.id()).isEqualTo("msg_test");
        assertThat(start.model()).isEqualTo("model-x");
        assertThat(Json.string(start.toJson().get("message").get("content"))).isEqualTo("[]");
    }

    @Test
    void failureBeforeAnyOutputIsOnlyAnErrorEvent() {
        List<String> seen = run(new ModelEvent.Failure(ApiError.overloaded("Overloaded")), text("late"), END);

        assertThat(seen).containsExactly("error overloaded_error: Overloaded");
        assertThat(assembler.started()).isFalse();
        assertThat(assembler.ended()).isTrue();
    }

    @Test
    void finishWithoutOutputStillMakesACompleteEmptyMessage() {
        assertThat(run(END)).containsExactly("start", "delta end_turn", "stop");
    }

    // ---- blocks -------------------------------------------------------------------------------------------

    @Test
    void emptyTextDeltasNeverOpenABlock() {
        assertThat(run(text(""), thinking(""), text(""), END)).containsExactly("start", "delta end_turn", "stop");
    }

    @Test
    void emptyTextDeltaInsideATextBlockAddsNothing() {
        assertThat(run(text("a"), text(""), text("b"), END))
                .containsExactly("start", "+0 text", "0 text_delta:a", "0 text_delta:b", "-0", "delta end_turn", "stop");
    }

    @Test
    void textThinkingTextMakesThreeBlocks() {
        assertThat(run(text("a"), thinking("t1"), thinking("t2"), text("b"), END)).containsExactly(
                "start",
                "+0 text", "0 text_delta:a", "-0",
                "+1 thinking", "1 thinking_delta:t1", "1 thinking_delta:t2", "-1",
                "+2 text", "2 text_delta:b", "-2",
                "delta end_turn", "stop");
    }

    @Test
    void thinkingBlockStartsWithEmptyThinkingAndSignature() {
        run(thinking("t"), END);

        StreamEvent.BlockStart start = (StreamEvent.BlockStart) events.get(1);
        assertThat(Json.string(start.block())).isEqualTo("{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
    }

    @Test
    void toolCallClosesTheOpenTextBlockAndGetsExactlyOneInputJsonDelta() {
        assertThat(run(text("Let me look."), tool("toolu_1", "{\"path\":\"a.txt\"}"), END)).containsExactly(
                "start",
                "+0 text", "0 text_delta:Let me look.", "-0",
                "+1 tool_use", "1 input_json_delta:{\"path\":\"a.txt\"}", "-1",
                "delta tool_use", "stop");
        StreamEvent.BlockStart start = (StreamEvent.BlockStart) events.get(4);
        assertThat(Json.string(start.block()))
                .isEqualTo("{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\",\"input\":{}}");
    }

    @Test
    void toolCallWithEmptyArgumentsStillGetsItsInputJsonDelta() {
        assertThat(run(tool("toolu_1", "{}"), tool("toolu_2", "{}"), finish(StopReason.TOOL_USE))).containsExactly(
                "start",
                "+0 tool_use", "0 input_json_delta:{}", "-0",
                "+1 tool_use", "1 input_json_delta:{}", "-1",
                "delta tool_use", "stop");
    }

    @Test
    void textAfterAToolCallOpensANewBlock() {
        assertThat(run(tool("toolu_1", "{}"), text("done"), finish(StopReason.TOOL_USE))).containsExactly(
                "start", "+0 tool_use", "0 input_json_delta:{}", "-0", "+1 text", "1 text_delta:done", "-1",
                "delta tool_use", "stop");
    }

    @Test
    void signatureJoinsTheThinkingBlockItFollows() {
        assertThat(run(thinking("hmm"), signature("sig-1"), text("Hi"), END)).containsExactly(
                "start",
                "+0 thinking", "0 thinking_delta:hmm", "0 signature_delta:sig-1", "-0",
                "+1 text", "1 text_delta:Hi", "-1",
                "delta end_turn", "stop");
    }

    @Test
    void signatureWithoutThinkingTextStillGetsAThinkingBlock() {
        assertThat(run(signature("sig-only"), text("Hi"), END)).containsExactly(
                "start",
                "+0 thinking", "0 signature_delta:sig-only", "-0",
                "+1 text", "1 text_delta:Hi", "-1",
                "delta end_turn", "stop");
    }

    @Test
    void signatureAfterTextClosesTheTextBlock() {
        assertThat(run(text("a"), signature("sig"), END)).containsExactly(
                "start", "+0 text", "0 text_delta:a", "-0", "+1 thinking", "1 signature_delta:sig", "-1",
                "delta end_turn", "stop");
    }

    @Test
    void thinkingAfterASignatureStartsANewThinkingBlock() {
        // a signature ends its block: merging two signed blocks would pair the second signature with both texts
        assertThat(run(thinking("first"), signature("sig-1"), thinking("second"), signature("sig-2"), END))
                .containsExactly(
                        "start",
                        "+0 thinking", "0 thinking_delta:first", "0 signature_delta:sig-1", "-0",
                        "+1 thinking", "1 thinking_delta:second", "1 signature_delta:sig-2", "-1",
                        "delta end_turn", "stop");
    }

    @Test
    void redactedThinkingIsAWholeBlockWithoutDeltas() {
        assertThat(run(text("a"), new ModelEvent.RedactedThinking("opaque"), text("b"), END)).containsExactly(
                "start",
                "+0 text", "0 text_delta:a", "-0",
                "+1 redacted_thinking", "-1",
                "+2 text", "2 text_delta:b", "-2",
                "delta end_turn", "stop");
        StreamEvent.BlockStart start = (StreamEvent.BlockStart) events.get(4);
        assertThat(Json.string(start.block())).isEqualTo("{\"type\":\"redacted_thinking\",\"data\":\"opaque\"}");
    }

    // ---- usage --------------------------------------------------------------------------------------------

    @Test
    void estimatesAreReportedUntilTheUpstreamSaysOtherwise() {
        run(text("12345678"), END);

        assertThat(startUsage()).isEqualTo(new Usage(ESTIMATE, 1, 0, 0));
        // output from characters: 8 chars -> 2 tokens
        assertThat(deltaUsage()).isEqualTo(new Usage(ESTIMATE, 2, 0, 0));
    }

    @Test
    void upstreamFiguresWinOverEstimates() {
        run(new ModelEvent.Usage(40L, null, 300L, 7L), text("Hi"),
                new ModelEvent.Usage(null, 55L, null, null), END);

        assertThat(startUsage()).isEqualTo(new Usage(40, 1, 300, 7));
        assertThat(deltaUsage()).isEqualTo(new Usage(40, 55, 300, 7));
    }

    @Test
    void usageArrivingAfterTheStartIsInTheMessageDelta() {
        run(text("Hi"), new ModelEvent.Usage(42L, 9L, 0L, 0L), END);

        assertThat(startUsage()).isEqualTo(new Usage(ESTIMATE, 1, 0, 0));
        assertThat(deltaUsage()).isEqualTo(new Usage(42, 9, 0, 0));
    }

    @Test
    void laterUsageOverwritesOnlyTheFiguresItCarries() {
        run(new ModelEvent.Usage(10L, 1L, 5L, null), text("Hi"), new ModelEvent.Usage(12L, null, null, 3L), END);

        assertThat(deltaUsage()).isEqualTo(new Usage(12, 1, 5, 3));
    }

    @Test
    void estimatedInputExcludesCachedTokensTheUpstreamReported() {
        run(text("Hi"), new ModelEvent.Usage(null, null, 600L, 100L), END);

        assertThat(deltaUsage()).isEqualTo(new Usage(ESTIMATE - 700, 1, 600, 100));
    }

    @Test
    void messageStartCountsCachedTokensOnceLikeTheMessageDelta() {
        run(new ModelEvent.Usage(null, null, 600L, null), text("Hi"), END);

        assertThat(startUsage().promptTokens()).isEqualTo(ESTIMATE);
        assertThat(startUsage()).isEqualTo(new Usage(ESTIMATE - 600, 1, 600, 0));
        assertThat(deltaUsage()).isEqualTo(new Usage(ESTIMATE - 600, 1, 600, 0));
    }

    @Test
    void outputEstimateCountsThinkingAndToolInputAndIsAtLeastOne() {
        run(END);
        assertThat(deltaUsage().outputTokens()).isEqualTo(1);

        events.clear();
        ResponseAssembler other = new ResponseAssembler(events::add, "m", "x", 0);
        // 4 + 8 + 16 characters = 28 -> 7 tokens
        for (ModelEvent event : List.of(thinking("abcd"), text("abcdefgh"), tool("t", "{\"k\":\"01234567\"}"),
                finish(StopReason.TOOL_USE))) {
            other.accept(event);
        }
        assertThat(deltaUsage().outputTokens()).isEqualTo(7);
    }

    @Test
    void usageMethodReportsTheFiguresSoFar() {
        assembler.accept(new ModelEvent.Usage(null, 3L, null, null));

        assertThat(assembler.usage()).isEqualTo(new Usage(ESTIMATE, 3, 0, 0));
    }

    // ---- stop reasons -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] reported {0}, tool call {1} -> {2}")
    @CsvSource({
            "END_TURN, true, tool_use",
            "STOP_SEQUENCE, true, tool_use",
            "TOOL_USE, true, tool_use",
            "MAX_TOKENS, true, max_tokens",
            "TOOL_USE, false, end_turn",
            "END_TURN, false, end_turn",
            "MAX_TOKENS, false, max_tokens",
            "REFUSAL, false, refusal",
            "PAUSE_TURN, false, pause_turn",
            "MODEL_CONTEXT_WINDOW_EXCEEDED, false, model_context_window_exceeded"})
    void stopReasonFollowsWhatWasEmitted(StopReason reported, boolean toolCall, String expected) {
        if (toolCall) {
            assembler.accept(tool("toolu_1", "{}"));
        } else {
            assembler.accept(text("Hi"));
        }
        List<String> seen = run(finish(reported));

        assertThat(seen.get(seen.size() - 2)).isEqualTo("delta " + expected);
    }

    @Test
    void stopSequenceIsPassedOn() {
        assertThat(run(text("Hi"), new ModelEvent.Finish(StopReason.STOP_SEQUENCE, "###")))
                .endsWith("delta stop_sequence ###", "stop");
    }

    // ---- the end ------------------------------------------------------------------------------------------

    @Test
    void nothingFollowsAFinish() {
        List<String> seen = run(text("Hi"), END, text("more"), tool("t", "{}"),
                new ModelEvent.Failure(ApiError.apiError("late")), END);

        assertThat(seen).containsExactly("start", "+0 text", "0 text_delta:Hi", "-0", "delta end_turn", "stop");
        assertThat(assembler.ended()).isTrue();
    }

    @Test
    void failureAfterOutputEndsTheStreamWithAnErrorAndNothingElse() {
        List<String> seen = run(text("Partial"), new ModelEvent.Failure(ApiError.overloaded("Overloaded")),
                text("more"), END);

        assertThat(seen).containsExactly("start", "+0 text", "0 text_delta:Partial", "error overloaded_error: Overloaded");
    }

    @Test
    void failCalledDirectlyEndsTheStreamOnce() {
        assembler.accept(text("Hi"));
        assembler.fail(ApiError.apiError("read failed"));
        assembler.fail(ApiError.apiError("again"));
        assembler.accept(END);

        assertThat(describe()).containsExactly("start", "+0 text", "0 text_delta:Hi", "error api_error: read failed");
        assertThat(violations()).isEmpty();
    }

    @Test
    void failAfterFinishIsIgnored() {
        run(END);
        assembler.fail(ApiError.apiError("too late"));

        assertThat(describe()).containsExactly("start", "delta end_turn", "stop");
    }
}
