package dev.anyclaude.contract;

import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.contract.ContractSupport.Mode;
import dev.anyclaude.testing.ErrorBodies;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.OpenAiSse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static dev.anyclaude.contract.ContractSupport.blockTypes;
import static dev.anyclaude.contract.ContractSupport.errorMessage;
import static dev.anyclaude.contract.ContractSupport.errorType;
import static dev.anyclaude.contract.ContractSupport.input;
import static dev.anyclaude.contract.ContractSupport.request;
import static dev.anyclaude.contract.ContractSupport.send;
import static dev.anyclaude.contract.ContractSupport.sendExpectingError;
import static dev.anyclaude.contract.ContractSupport.texts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway in front of an OpenAI-compatible upstream, driven by the official Anthropic SDK as a strict
 * client, streaming and not, with the upstream's bytes split every standard way. Every stream the SDK reads is
 * also checked by {@code StreamValidator}.
 */
class OpenAiContractTest {

    private static final String CLIENT_MODEL = "claude-sonnet-test";
    private static final String UPSTREAM_MODEL = "qwen-test-model";
    private static final String UPSTREAM_KEY_ENV = "FAKE_OPENAI_KEY";
    private static final String UPSTREAM_KEY = "sk-upstream-openai-test";

    private static FakeUpstream upstream;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void startGateway() {
        upstream = FakeUpstream.start(Reply::notFound);
        gateway = GatewayUnderTest.start(
                GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI)
                        .withModel(UPSTREAM_MODEL)
                        .withApiKeyEnv(UPSTREAM_KEY_ENV)
                        // each case checks how one upstream answer maps: no retries, no breaker
                        .withResilience(Resilience.NONE),
                Map.of(UPSTREAM_KEY_ENV, UPSTREAM_KEY));
    }

    @AfterAll
    static void stopGateway() {
        Resources.closeInOrder(gateway, upstream);
    }

    @BeforeEach
    void reset() {
        upstream.clearRequests();
        upstream.handler(Reply::notFound);
        gateway.streams().clear();
    }

    @AfterEach
    void everyStreamWasValid() {
        gateway.streams().assertAllValid();
        assertThat(upstream.handlerErrors()).isEmpty();
    }

    /** Answers chat completions with the transcript (streamed, or folded when asked without stream). */
    private static void script(OpenAiSse transcript, Chunking chunking) {
        upstream.handler(request -> chat(request, transcript, chunking));
    }

    private static Reply chat(RecordedRequest request, OpenAiSse transcript, Chunking chunking) {
        if (!request.method().equals("POST") || !request.path().equals("/v1/chat/completions")) {
            return Reply.notFound(request);
        }
        Reply reply = request.wantsStream() ? transcript.reply() : Reply.json(200, transcript.completion());
        return reply.withChunking(chunking);
    }

    private static Message exchange(Mode mode, Chunking chunking, OpenAiSse transcript) {
        script(transcript, chunking);
        Message message = send(gateway.sdk(), mode, request(CLIENT_MODEL));
        if (mode == Mode.STREAMING) {
            assertThat(gateway.streams().streams()).as("streams read by the SDK").hasSize(1);
        }
        return message;
    }

    private static OpenAiSse chat() {
        return OpenAiSse.chat(UPSTREAM_MODEL).role();
    }

    // --- the upstream request ------------------------------------------------------------------------

    @Test
    void upstreamGetsAStreamingChatCompletionForTheConfiguredModelWithTheUpstreamKey() throws Exception {
        exchange(Mode.STREAMING, Chunking.whole(), chat().text("Hi").finish("stop").usage(10, 1, 0).done());

        RecordedRequest sent = upstream.requests("/v1/chat/completions").get(0);
        assertThat(sent.method()).isEqualTo("POST");
        JsonNode body = sent.json();
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("model").asString()).isEqualTo(UPSTREAM_MODEL);
        assertThat(sent.bodyText()).contains("What is the weather in Paris?");
        List<String> toolNames = body.get("tools").valueStream()
                .map(t -> t.get("function").get("name").asString()).toList();
        assertThat(toolNames).containsExactly("get_weather", "get_time");
        assertThat(sent.header("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(sent.headers().toString()).doesNotContain(GatewayUnderTest.CLIENT_KEY);
    }

    // --- content -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void textBecomesOneTextBlockEndingTheTurn(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking,
                chat().text("Hello", ", wör", "ld — ✓").finish("stop").usage(12, 4, 0).done());

        assertThat(blockTypes(message)).containsExactly("text");
        assertThat(texts(message)).containsExactly("Hello, wörld — ✓");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void reasoningBecomesAThinkingBlockBeforeTheText(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking, chat().reasoning("Paris is ", "in France.").text("It is sunny.")
                .finish("stop").usage(20, 9, 0).done());

        assertThat(blockTypes(message)).containsExactly("thinking", "text");
        assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("Paris is in France.");
        assertThat(texts(message)).containsExactly("It is sunny.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void oneToolCallBecomesToolUseWithParsedInput(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking, chat()
                .toolCall(0, "call_weather_1", "get_weather", "{\"ci", "ty\": \"Pa", "ris\", \"days\"", ": 3}")
                .finish("tool_calls").usage(30, 11, 0).done());

        assertThat(blockTypes(message)).containsExactly("tool_use");
        ContentBlock call = message.content().get(0);
        assertThat(call.asToolUse().id()).isEqualTo("call_weather_1");
        assertThat(call.asToolUse().name()).isEqualTo("get_weather");
        assertThat(input(call)).isEqualTo(Map.of("city", "Paris", "days", 3));
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void twoToolCallsBecomeTwoToolUseBlocksInOrder(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking, chat()
                .toolCall(0, "call_a", "get_weather", "{\"city\":", "\"Paris\"}")
                .toolCall(1, "call_b", "get_time", "{\"tz\":\"CET\"}")
                .finish("tool_calls").usage(30, 20, 0).done());

        assertThat(blockTypes(message)).containsExactly("tool_use", "tool_use");
        assertThat(message.content().get(0).asToolUse().name()).isEqualTo("get_weather");
        assertThat(input(message.content().get(0))).isEqualTo(Map.of("city", "Paris"));
        assertThat(message.content().get(1).asToolUse().name()).isEqualTo("get_time");
        assertThat(input(message.content().get(1))).isEqualTo(Map.of("tz", "CET"));
        assertThat(message.content().get(0).asToolUse().id()).isNotEqualTo(message.content().get(1).asToolUse().id());
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void textThenToolCallBecomesTextBlockThenToolUse(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking, chat().text("Let me check ", "the weather.")
                .toolCall(0, "call_w", "get_weather", "{\"city\":\"Paris\"}")
                .finish("tool_calls").usage(30, 15, 0).done());

        assertThat(blockTypes(message)).containsExactly("text", "tool_use");
        assertThat(texts(message)).containsExactly("Let me check the weather.");
        assertThat(input(message.content().get(1))).isEqualTo(Map.of("city", "Paris"));
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void usageReportsCachedTokensAsCacheReadsAndExcludesThemFromInput(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking, chat().text("ok").finish("stop").usage(100, 12, 80).done());

        assertThat(message.usage().inputTokens()).isEqualTo(20);
        assertThat(message.usage().cacheReadInputTokens()).contains(80L);
        assertThat(message.usage().outputTokens()).isEqualTo(12);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void keepAliveCommentsAndCrlfLineEndsAreTolerated(Mode mode, Chunking chunking) {
        Message message = exchange(mode, chunking, OpenAiSse.chat(UPSTREAM_MODEL).crlf().comment("OPENROUTER PROCESSING")
                .role().comment("keepalive 1/2").text("Hi").finish("stop").usage(5, 1, 0).done());

        assertThat(texts(message)).containsExactly("Hi");
    }

    // --- finish reasons ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "STREAMING, stop, end_turn", "NON_STREAMING, stop, end_turn",
            "STREAMING, length, max_tokens", "NON_STREAMING, length, max_tokens",
            "STREAMING, content_filter, refusal", "NON_STREAMING, content_filter, refusal"})
    void finishReasonOfATextTurnMapsToItsStopReason(Mode mode, String finishReason, String stopReason) {
        Message message = exchange(mode, Chunking.random(11, 9),
                chat().text("Some text").finish(finishReason).usage(10, 5, 0).done());

        assertThat(message.stopReason().map(StopReason::asString)).contains(stopReason);
        assertThat(texts(message)).containsExactly("Some text");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"STREAMING, tool_calls", "NON_STREAMING, tool_calls", "STREAMING, stop", "NON_STREAMING, stop"})
    void aTurnWithAToolCallEndsWithToolUseWhateverTheFinishReason(Mode mode, String finishReason) {
        Message message = exchange(mode, Chunking.random(5, 13), chat()
                .toolCall(0, "call_1", "get_weather", "{\"city\":\"Oslo\"}").finish(finishReason).usage(10, 5, 0).done());

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(input(message.content().get(0))).isEqualTo(Map.of("city", "Oslo"));
    }

    // --- errors inside the stream --------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.anyclaude.testing.FakeUpstream$Chunking#standard")
    void errorChunkAfterTextEndsTheStreamWithAnErrorEvent(Chunking chunking) {
        script(chat().text("Partial answer").error("Provider disconnected unexpectedly", "server_error"), chunking);

        AnthropicServiceException error = sendExpectingError(gateway.sdk(), Mode.STREAMING, request(CLIENT_MODEL));

        assertThat(error).isInstanceOf(SseException.class);
        assertThat(errorType(error)).isIn("api_error", "overloaded_error");
        assertThat(gateway.streams().last().errored()).as("stream ended with an error event").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modes")
    void errorChunkBeforeAnyContentBecomesAnApiError(Mode mode) {
        script(chat().error("The model crashed", "server_error"), Chunking.oneByte());

        AnthropicServiceException error = sendExpectingError(gateway.sdk(), mode, request(CLIENT_MODEL));

        assertThat(errorType(error)).isIn("api_error", "overloaded_error");
        if (!(error instanceof SseException)) {
            assertThat(error.statusCode()).isIn(500, 529);
        }
    }

    @Test
    void errorChunkAfterTextFailsANonStreamingRequestWithAServerError() {
        script(chat().text("Partial answer").error("Provider disconnected unexpectedly", "server_error"),
                Chunking.random(3, 5));

        AnthropicServiceException error = sendExpectingError(gateway.sdk(), Mode.NON_STREAMING, request(CLIENT_MODEL));

        assertThat(error.statusCode()).isIn(500, 529);
        assertThat(errorType(error)).isIn("api_error", "overloaded_error");
    }

    // --- upstream HTTP errors ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: upstream {1} -> {2} {3}")
    @CsvSource({
            "STREAMING, 400, 400, invalid_request_error", "NON_STREAMING, 400, 400, invalid_request_error",
            "STREAMING, 401, 403, permission_error", "NON_STREAMING, 401, 403, permission_error",
            "STREAMING, 404, 404, not_found_error", "NON_STREAMING, 404, 404, not_found_error",
            "STREAMING, 429, 429, rate_limit_error", "NON_STREAMING, 429, 429, rate_limit_error",
            "STREAMING, 500, 500, api_error", "NON_STREAMING, 500, 500, api_error",
            "STREAMING, 503, 529, overloaded_error", "NON_STREAMING, 503, 529, overloaded_error",
            "STREAMING, 529, 529, overloaded_error", "NON_STREAMING, 529, 529, overloaded_error"})
    void upstreamHttpErrorMapsToAnthropicStatusAndType(Mode mode, int upstreamStatus, int status, String type) {
        upstream.handler(request -> Reply.json(upstreamStatus,
                        ErrorBodies.openAi("upstream refused: status " + upstreamStatus, "some_error", null))
                .withHeader("Retry-After", "7").withChunking(Chunking.random(upstreamStatus, 6)));

        AnthropicServiceException error = sendExpectingError(gateway.sdk(), mode, request(CLIENT_MODEL));

        assertThat(error.statusCode()).isEqualTo(status);
        assertThat(errorType(error)).isEqualTo(type);
        assertThat(errorMessage(error)).contains("upstream refused: status " + upstreamStatus);
        if (upstreamStatus == 429) {
            assertThat(error.headers().values("retry-after")).containsExactly("7");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modes")
    void openAiContextOverflowBecomesPromptIsTooLong(Mode mode) {
        upstream.handler(request -> Reply.json(400, ErrorBodies.openAiContextLength(128000, 130512)));

        AnthropicServiceException error = sendExpectingError(gateway.sdk(), mode, request(CLIENT_MODEL));

        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(errorType(error)).isEqualTo("invalid_request_error");
        assertThat(errorMessage(error)).isEqualTo("prompt is too long: 130512 tokens > 128000 maximum");
    }

    @ParameterizedTest(name = "{0}, json={1}")
    @CsvSource({"STREAMING, true", "NON_STREAMING, true", "STREAMING, false", "NON_STREAMING, false"})
    void vllmContextOverflowBecomesPromptIsTooLong(Mode mode, boolean json) {
        upstream.handler(request -> json
                ? Reply.json(400, ErrorBodies.vllmContextLength(32768, 40000, 1000))
                : Reply.text(400, ErrorBodies.vllmContextLengthText(32768, 40000, 1000)));

        AnthropicServiceException error = sendExpectingError(gateway.sdk(), mode, request(CLIENT_MODEL));

        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(errorType(error)).isEqualTo("invalid_request_error");
        assertThat(errorMessage(error)).isEqualTo("prompt is too long: 40000 tokens > 32768 maximum");
    }
}
