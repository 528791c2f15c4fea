package dev.anyclaude.contract;

import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.contract.ContractSupport.Mode;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.ErrorBodies;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.RawHttp;
import dev.anyclaude.testing.Sse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
 * The gateway in front of an Anthropic(-compatible) upstream. Relay mode must hand the client the upstream's
 * bytes unchanged and forward the headers Claude Code depends on; decode mode must turn the same events into
 * a valid stream of its own. Every stream a client reads is checked by {@code StreamValidator}.
 */
class AnthropicContractTest {

    private static final String MODEL = "claude-sonnet-test";
    private static final String UPSTREAM_KEY_ENV = "FAKE_ANTHROPIC_KEY";
    private static final String UPSTREAM_KEY = "sk-ant-upstream-test";
    private static final String CLIENT_KEY = "sk-ant-from-the-client";
    private static final String VERSION = "2023-06-01";
    private static final String BETA = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27";

    private static FakeUpstream upstream;
    private static GatewayUnderTest relay;
    private static GatewayUnderTest relayWithKey;
    private static GatewayUnderTest decode;

    @BeforeAll
    static void startGateways() {
        upstream = FakeUpstream.start(Reply::notFound);
        // each case checks how one upstream answer maps: no retries, no breaker
        GatewayConfig base = GatewayConfig.of(upstream.baseUrl(), Protocol.ANTHROPIC).withResilience(Resilience.NONE);
        relay = GatewayUnderTest.start(base.withRelay(true));
        relayWithKey = GatewayUnderTest.start(base.withRelay(true)
                .withApiKeyEnv(UPSTREAM_KEY_ENV), Map.of(UPSTREAM_KEY_ENV, UPSTREAM_KEY));
        decode = GatewayUnderTest.start(base.withRelay(false));
    }

    @AfterAll
    static void stopGateways() {
        Resources.closeInOrder(relay, relayWithKey, decode, upstream);
    }

    @BeforeEach
    void reset() {
        upstream.clearRequests();
        upstream.handler(Reply::notFound);
        for (GatewayUnderTest gateway : List.of(relay, relayWithKey, decode)) {
            gateway.streams().clear();
        }
    }

    @AfterEach
    void everyStreamWasValid() {
        for (GatewayUnderTest gateway : List.of(relay, relayWithKey, decode)) {
            gateway.streams().assertAllValid();
        }
        assertThat(upstream.handlerErrors()).isEmpty();
    }

    /** Answers {@code /v1/messages} from the transcript, streamed or folded as the request asks. */
    private static void script(AnthropicSse transcript, Chunking chunking) {
        upstream.handler(request -> route(request, transcript, chunking));
    }

    private static Reply route(RecordedRequest request, AnthropicSse transcript, Chunking chunking) {
        if (request.method().equals("POST") && request.path().equals("/v1/messages")) {
            return transcript.replyFor(request).withChunking(chunking);
        }
        return Reply.notFound(request);
    }

    /** A transcript using most of the protocol: thinking with signature, ping, text, a fragmented tool_use. */
    private static AnthropicSse richTranscript() {
        return AnthropicSse.message("msg_rich01", MODEL, 120, 0)
                .thinking("c2lnbmF0dXJlLWZha2U=", "The user wants ", "the weather.")
                .ping()
                .text("Let me ", "check.")
                .toolUse("toolu_01Weather", "get_weather", "{\"ci", "ty\": \"Par", "is\"}")
                .end("tool_use", 42);
    }

    /** A body the way Claude Code sends it, with a field the gateway does not know. */
    private static String rawBody(boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", MODEL);
        body.put("max_tokens", 1024);
        body.put("stream", stream);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "What is the weather in Paris?");
        body.putObject("context_management").putArray("edits").addObject().put("type", "clear_thinking_20251015");
        return Json.string(body);
    }

    private static RawHttp.Response postRaw(GatewayUnderTest gateway, boolean stream) throws Exception {
        return gateway.http().post("/v1/messages?beta=true", rawBody(stream),
                "anthropic-version", VERSION, "anthropic-beta", BETA, "x-api-key", CLIENT_KEY);
    }

    // =================================================================================================
    @Nested
    class Relay {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.anyclaude.testing.FakeUpstream$Chunking#standard")
        void streamedBodyIsByteIdenticalToWhatTheUpstreamSent(Chunking chunking) throws Exception {
            AnthropicSse transcript = richTranscript();
            script(transcript, chunking);

            RawHttp.Response response = postRaw(relay, true);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.isEventStream()).isTrue();
            assertThat(response.body()).isEqualTo(transcript.bytes());
            assertThat(response.stream().valid()).isTrue();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.anyclaude.testing.FakeUpstream$Chunking#standard")
        void nonStreamingBodyIsByteIdenticalToWhatTheUpstreamSent(Chunking chunking) throws Exception {
            AnthropicSse transcript = richTranscript();
            script(transcript, chunking);

            RawHttp.Response response = postRaw(relay, false);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(Json.bytes(transcript.message()));
        }

        @Test
        void forwardsVersionBetaAndTheClientKeyWhenNoUpstreamKeyIsConfigured() throws Exception {
            script(richTranscript(), Chunking.whole());

            postRaw(relay, true);

            RecordedRequest sent = upstream.requests("/v1/messages").get(0);
            assertThat(sent.header("anthropic-version")).isEqualTo(VERSION);
            assertThat(sent.header("anthropic-beta")).isEqualTo(BETA);
            assertThat(sent.header("x-api-key")).isEqualTo(CLIENT_KEY);
        }

        @Test
        void replacesTheClientKeyWithTheConfiguredUpstreamKey() throws Exception {
            script(richTranscript(), Chunking.whole());

            postRaw(relayWithKey, true);

            RecordedRequest sent = upstream.requests("/v1/messages").get(0);
            assertThat(sent.header("x-api-key")).isEqualTo(UPSTREAM_KEY);
            assertThat(sent.header("anthropic-beta")).isEqualTo(BETA);
            assertThat(sent.headers().toString()).doesNotContain(CLIENT_KEY);
        }

        @Test
        void fieldsTheGatewayDoesNotKnowReachTheUpstream() throws Exception {
            script(richTranscript(), Chunking.whole());

            postRaw(relay, true);

            JsonNode sent = upstream.requests("/v1/messages").get(0).json();
            assertThat(sent.get("context_management").get("edits").get(0).get("type").asString())
                    .isEqualTo("clear_thinking_20251015");
            assertThat(sent.get("messages").get(0).get("content").asString()).isEqualTo("What is the weather in Paris?");
        }

        @ParameterizedTest(name = "upstream {0} {1}")
        @CsvSource({"400, invalid_request_error", "401, authentication_error", "404, not_found_error",
                "429, rate_limit_error", "500, api_error", "529, overloaded_error"})
        void upstreamErrorsPassThroughUnchanged(int status, String type) throws Exception {
            String body = ErrorBodies.anthropic(type, "upstream says " + type);
            upstream.handler(request -> Reply.json(status, body).withHeader("retry-after", "7")
                    .withChunking(Chunking.random(status, 5)));

            for (boolean stream : new boolean[]{true, false}) {
                RawHttp.Response response = postRaw(relay, stream);

                assertThat(response.status()).isEqualTo(status);
                assertThat(response.text()).isEqualTo(body);
                if (status == 429) {
                    assertThat(response.header("retry-after")).isEqualTo("7");
                }
            }
        }

        @ParameterizedTest(name = "{0}, {1}")
        @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
        void sdkReadsTheRelayedTurn(Mode mode, Chunking chunking) {
            script(richTranscript(), chunking);

            Message message = send(relay.sdk(), mode, request(MODEL));

            assertRichMessage(message);
        }
    }

    // =================================================================================================
    @Nested
    class Decode {

        @Test
        void upstreamGetsMessagesRequestWithVersionAndBeta() throws Exception {
            script(richTranscript(), Chunking.whole());

            postRaw(decode, true);

            RecordedRequest sent = upstream.requests("/v1/messages").get(0);
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.json().get("model").asString()).isEqualTo(MODEL);
            assertThat(sent.header("anthropic-version")).isNotBlank();
            assertThat(sent.bodyText()).contains("What is the weather in Paris?");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.anyclaude.testing.FakeUpstream$Chunking#standard")
        void decodedStreamIsValidAndCarriesTheSameBlocks(Chunking chunking) throws Exception {
            AnthropicSse transcript = richTranscript();
            script(transcript, chunking);

            RawHttp.Response response = postRaw(decode, true);

            assertThat(response.status()).isEqualTo(200);
            Sse.Result stream = response.stream();
            assertThat(stream.valid()).isTrue();
            assertThat(stream.stopReason()).isEqualTo("tool_use");
            List<String> started = stream.named("content_block_start").stream()
                    .map(e -> e.json().get("content_block").get("type").asString()).toList();
            assertThat(started).containsExactly("thinking", "text", "tool_use");
        }

        @ParameterizedTest(name = "{0}, {1}")
        @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
        void thinkingTextAndToolUseSurviveDecoding(Mode mode, Chunking chunking) {
            script(richTranscript(), chunking);

            Message message = send(decode.sdk(), mode, request(MODEL));

            assertRichMessage(message);
        }

        @ParameterizedTest(name = "{0}, {1}")
        @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
        void twoToolUsesStayInOrder(Mode mode, Chunking chunking) {
            script(AnthropicSse.message(MODEL)
                    .toolUse("toolu_a", "get_weather", "{\"city\":", "\"Paris\"}")
                    .toolUse("toolu_b", "get_time", "{\"tz\":\"CET\"}")
                    .end("tool_use", 30), chunking);

            Message message = send(decode.sdk(), mode, request(MODEL));

            assertThat(blockTypes(message)).containsExactly("tool_use", "tool_use");
            assertThat(message.content().get(0).asToolUse().id()).isEqualTo("toolu_a");
            assertThat(input(message.content().get(0))).isEqualTo(Map.of("city", "Paris"));
            assertThat(message.content().get(1).asToolUse().id()).isEqualTo("toolu_b");
            assertThat(input(message.content().get(1))).isEqualTo(Map.of("tz", "CET"));
            assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        }

        @ParameterizedTest(name = "{0}, {1}")
        @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
        void usageWithCacheReadsIsKept(Mode mode, Chunking chunking) {
            script(AnthropicSse.message("msg_u", MODEL, 20, 80).text("ok").end("end_turn", 12), chunking);

            Message message = send(decode.sdk(), mode, request(MODEL));

            assertThat(message.usage().inputTokens()).isEqualTo(20);
            assertThat(message.usage().cacheReadInputTokens()).contains(80L);
            assertThat(message.usage().outputTokens()).isEqualTo(12);
        }

        @ParameterizedTest(name = "{0}: {1}")
        @CsvSource({"STREAMING, end_turn", "NON_STREAMING, end_turn", "STREAMING, max_tokens",
                "NON_STREAMING, max_tokens", "STREAMING, refusal", "NON_STREAMING, refusal"})
        void stopReasonIsKept(Mode mode, String stopReason) {
            script(AnthropicSse.message(MODEL).text("Some text").end(stopReason, 5), Chunking.random(17, 11));

            Message message = send(decode.sdk(), mode, request(MODEL));

            assertThat(message.stopReason().map(StopReason::asString)).contains(stopReason);
            assertThat(texts(message)).containsExactly("Some text");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.anyclaude.testing.FakeUpstream$Chunking#standard")
        void errorEventAfterTextEndsTheStreamWithAnErrorEvent(Chunking chunking) {
            script(AnthropicSse.message(MODEL).text("Partial").error("overloaded_error", "Overloaded"), chunking);

            AnthropicServiceException error = sendExpectingError(decode.sdk(), Mode.STREAMING, request(MODEL));

            assertThat(error).isInstanceOf(SseException.class);
            assertThat(errorType(error)).isEqualTo("overloaded_error");
            assertThat(decode.streams().last().errored()).isTrue();
        }

        @Test
        void errorEventFailsANonStreamingRequest() {
            script(AnthropicSse.message(MODEL).text("Partial").error("overloaded_error", "Overloaded"),
                    Chunking.oneByte());

            AnthropicServiceException error = sendExpectingError(decode.sdk(), Mode.NON_STREAMING, request(MODEL));

            assertThat(error.statusCode()).isIn(500, 529);
            assertThat(errorType(error)).isEqualTo("overloaded_error");
        }

        @ParameterizedTest(name = "{0}: upstream {1} {2}")
        @CsvSource({
                "STREAMING, 400, invalid_request_error", "NON_STREAMING, 400, invalid_request_error",
                "STREAMING, 404, not_found_error", "NON_STREAMING, 404, not_found_error",
                "STREAMING, 429, rate_limit_error", "NON_STREAMING, 429, rate_limit_error",
                "STREAMING, 500, api_error", "NON_STREAMING, 500, api_error",
                "STREAMING, 529, overloaded_error", "NON_STREAMING, 529, overloaded_error"})
        void upstreamAnthropicErrorKeepsItsStatusAndType(Mode mode, int status, String type) {
            upstream.handler(request -> Reply.json(status, ErrorBodies.anthropic(type, "upstream says " + type))
                    .withHeader("retry-after", "7"));

            AnthropicServiceException error = sendExpectingError(decode.sdk(), mode, request(MODEL));

            assertThat(error.statusCode()).isEqualTo(status);
            assertThat(errorType(error)).isEqualTo(type);
            assertThat(errorMessage(error)).contains("upstream says " + type);
            if (status == 429) {
                assertThat(error.headers().values("retry-after")).containsExactly("7");
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.anyclaude.contract.ContractSupport#modes")
        void promptTooLongKeepsTheWordingClaudeCodeRecoversFrom(Mode mode) {
            upstream.handler(request -> Reply.json(400, ErrorBodies.anthropic("invalid_request_error",
                    "prompt is too long: 209375 tokens > 200000 maximum")));

            AnthropicServiceException error = sendExpectingError(decode.sdk(), mode, request(MODEL));

            assertThat(error.statusCode()).isEqualTo(400);
            assertThat(errorMessage(error)).isEqualTo("prompt is too long: 209375 tokens > 200000 maximum");
        }
    }

    // =================================================================================================
    @Nested
    class SideEndpoints {

        private static Reply countAndList(RecordedRequest request) {
            if (request.method().equals("POST") && request.path().equals("/v1/messages/count_tokens")) {
                return Reply.json(200, "{\"input_tokens\":" + (1000 + request.body().length) + "}");
            }
            if (request.method().equals("GET") && request.path().equals("/v1/models")) {
                return Reply.json(200, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-upstream-1\","
                        + "\"display_name\":\"Upstream One\",\"created_at\":\"2026-01-01T00:00:00Z\"}],"
                        + "\"has_more\":false,\"first_id\":\"claude-upstream-1\",\"last_id\":\"claude-upstream-1\"}");
            }
            return Reply.notFound(request);
        }

        @Test
        void countTokensIsTheUpstreamsOwnCount() throws Exception {
            upstream.handler(SideEndpoints::countAndList);
            String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

            for (GatewayUnderTest gateway : List.of(relay, decode)) {
                upstream.clearRequests();
                RawHttp.Response response = gateway.http().post("/v1/messages/count_tokens?beta=true", body,
                        "anthropic-version", VERSION, "x-api-key", CLIENT_KEY);

                assertThat(response.status()).as(response.text()).isEqualTo(200);
                List<RecordedRequest> counted = upstream.requests("/v1/messages/count_tokens");
                assertThat(counted).hasSize(1);
                assertThat(response.json().get("input_tokens").asLong()).isEqualTo(1000 + counted.get(0).body().length);
            }
        }

        @Test
        void modelsListIsTheUpstreamsInTheAnthropicShape() throws Exception {
            upstream.handler(SideEndpoints::countAndList);

            for (GatewayUnderTest gateway : List.of(relay, decode)) {
                RawHttp.Response response = gateway.http().get("/v1/models", "anthropic-version", VERSION,
                        "x-api-key", CLIENT_KEY);

                assertThat(response.status()).as(response.text()).isEqualTo(200);
                JsonNode first = response.json().get("data").get(0);
                assertThat(first.get("type").asString()).isEqualTo("model");
                assertThat(first.get("id").asString()).isEqualTo("claude-upstream-1");
                assertThat(first.get("display_name").asString()).isNotBlank();
                assertThat(first.get("created_at").asString()).isNotBlank();
            }
        }
    }

    private static void assertRichMessage(Message message) {
        assertThat(blockTypes(message)).containsExactly("thinking", "text", "tool_use");
        assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("The user wants the weather.");
        assertThat(message.content().get(0).asThinking().signature()).isEqualTo("c2lnbmF0dXJlLWZha2U=");
        assertThat(texts(message)).containsExactly("Let me check.");
        ContentBlock call = message.content().get(2);
        assertThat(call.asToolUse().id()).isEqualTo("toolu_01Weather");
        assertThat(call.asToolUse().name()).isEqualTo("get_weather");
        assertThat(input(call)).isEqualTo(Map.of("city", "Paris"));
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.usage().inputTokens()).isEqualTo(120);
        assertThat(message.usage().outputTokens()).isEqualTo(42);
    }
}
