package dev.anyclaude.contract;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP surface Claude Code and other clients touch besides message turns, over plain HTTP: the probe and
 * health endpoints, the models list, token counting, and the 400s a malformed request must get. Every event
 * stream read here is validated by {@link RawHttp}.
 */
class HttpEndpointsContractTest {

    private static final String UPSTREAM_MODEL = "qwen-test-model";

    private static FakeUpstream upstream;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(HttpEndpointsContractTest::openAiServer);
        gateway = GatewayUnderTest.start(GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI)
                .withModel(UPSTREAM_MODEL));
    }

    @AfterAll
    static void stop() {
        Resources.closeInOrder(gateway, upstream);
    }

    @BeforeEach
    void reset() {
        upstream.clearRequests();
    }

    /** A small OpenAI-compatible server: a models list and a one-line answer. */
    private static Reply openAiServer(RecordedRequest request) {
        if (request.method().equals("GET") && request.path().equals("/v1/models")) {
            return Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + UPSTREAM_MODEL
                    + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"tests\"}]}");
        }
        if (request.method().equals("POST") && request.path().equals("/v1/chat/completions")) {
            OpenAiSse answer = OpenAiSse.chat(UPSTREAM_MODEL).role().text("Hello").finish("stop").usage(9, 1, 0).done();
            return (request.wantsStream() ? answer.reply() : Reply.json(200, answer.completion()))
                    .withChunking(Chunking.random(request.sequence(), 9));
        }
        return Reply.notFound(request);
    }

    private static RawHttp http() {
        return gateway.http();
    }

    private static String body(String model, String content, boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", model);
        body.put("max_tokens", 256);
        body.put("stream", stream);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", content);
        return Json.string(body);
    }

    private static void assertInvalidRequest(RawHttp.Response response, String field) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        JsonNode json = response.json();
        assertThat(json.get("type").asString()).isEqualTo("error");
        assertThat(json.get("error").get("type").asString()).isEqualTo("invalid_request_error");
        if (field != null) {
            assertThat(json.get("error").get("message").asString()).contains(field);
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @CsvSource({"true", "false"})
    void messagesWithBetaQueryIsAccepted(boolean stream) throws Exception {
        RawHttp.Response response = http().post("/v1/messages?beta=true", body("claude-x", "hi", stream),
                "anthropic-version", "2023-06-01", "x-api-key", "sk-dummy");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        if (stream) {
            assertThat(response.isEventStream()).isTrue();
            assertThat(response.stream().stopReason()).isEqualTo("end_turn");
        } else {
            assertThat(response.json().get("content").get(0).get("text").asString()).isEqualTo("Hello");
        }
    }

    @Test
    void helloProbeAnswers200() throws Exception {
        assertThat(http().head("/api/hello").status()).isEqualTo(200);
    }

    @Test
    void healthAnswers200() throws Exception {
        assertThat(http().get("/health").status()).isEqualTo(200);
    }

    @Test
    void modelsListHasTheAnthropicShape() throws Exception {
        RawHttp.Response response = http().get("/v1/models", "anthropic-version", "2023-06-01", "x-api-key", "sk-dummy");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode json = response.json();
        JsonNode data = json.get("data");
        assertThat(data.isArray()).isTrue();
        assertThat(data.size()).isGreaterThan(0);
        for (JsonNode model : data) {
            assertThat(model.get("type").asString()).isEqualTo("model");
            assertThat(model.get("id").asString()).isNotBlank();
            assertThat(model.get("display_name").asString()).isNotBlank();
            assertThat(OffsetDateTime.parse(model.get("created_at").asString())).isNotNull();
        }
        assertThat(json.get("has_more").isBoolean()).isTrue();
        assertThat(json.get("first_id").asString()).isEqualTo(data.get(0).get("id").asString());
        assertThat(json.get("last_id").asString()).isEqualTo(data.get(data.size() - 1).get("id").asString());
    }

    @Test
    void countTokensIsPositiveAndGrowsWithTheInput() throws Exception {
        RawHttp.Response small = http().post("/v1/messages/count_tokens?beta=true",
                "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        RawHttp.Response large = http().post("/v1/messages/count_tokens?beta=true",
                "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "The quick brown fox jumps over the lazy dog. ".repeat(50) + "\"}]}");

        assertThat(small.status()).as(small.text()).isEqualTo(200);
        assertThat(large.status()).as(large.text()).isEqualTo(200);
        long smallCount = small.json().get("input_tokens").asLong();
        long largeCount = large.json().get("input_tokens").asLong();
        assertThat(smallCount).isGreaterThan(0);
        assertThat(largeCount).isGreaterThan(smallCount);
    }

    @Test
    void malformedJsonIsAnInvalidRequest() throws Exception {
        assertInvalidRequest(http().post("/v1/messages", "{\"model\": \"x\", \"messages\": ["), null);
        assertInvalidRequest(http().post("/v1/messages/count_tokens", "not json at all"), null);
    }

    @Test
    void missingModelIsAnInvalidRequestNamingIt() throws Exception {
        assertInvalidRequest(http().post("/v1/messages",
                "{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "model");
    }

    @Test
    void missingMessagesIsAnInvalidRequestNamingIt() throws Exception {
        assertInvalidRequest(http().post("/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":10}"), "messages");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "model|{\"model\":42,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "messages|{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":\"hi\"}",
            "max_tokens|{\"model\":\"claude-x\",\"max_tokens\":\"ten\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "messages.0.role|{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}"})
    void wrongTypesAreInvalidRequestsNamingTheField(String field, String body) throws Exception {
        assertInvalidRequest(http().post("/v1/messages", body), field);
    }

    @Test
    void invalidRequestsNeverReachTheUpstream() throws Exception {
        http().post("/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":10}");
        assertThat(upstream.requests("/v1/chat/completions")).isEmpty();
    }
}
