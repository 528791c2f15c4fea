package dev.anyclaude.contract;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.openai.ClaudeCodeSessions;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import dev.anyclaude.testing.Sse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Claude Code session through the running gateway: the bytes that reach the upstream keep each turn's
 * messages as the start of the next turn's body, the session's cache hint is derived from Claude Code's
 * session header, and the upstream's cached-token count reaches the client as cache_read_input_tokens.
 */
class PromptCacheContractTest {

    static final String SESSION = "5f1c8a52-0000-4000-8000-000000000001";

    @ParameterizedTest
    @ValueSource(strings = {"openai", "llamacpp", "openrouter", "vllm", "generic"})
    void sessionThroughTheGatewayIsPrefixStableAndReportsCachedTokens(String flavor) throws Exception {
        OpenAiSse answer = OpenAiSse.chat("upstream-model").role().text("Done.").finish("stop")
                .usage(12000, 3, 11500).done();
        try (FakeUpstream upstream = FakeUpstream.start(request -> request.path().equals("/v1/chat/completions")
                ? answer.reply() : Reply.notFound(request));
             GatewayUnderTest gateway = GatewayUnderTest.start(
                     GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI)
                             .withModel("upstream-model").withFlavor(flavor).withResilience(Resilience.NONE),
                     Map.of())) {
            List<ObjectNode> turns = ClaudeCodeSessions.all().getFirst().turns().subList(0, 3);
            for (ObjectNode turn : turns) {
                RawHttp.Response response = gateway.http().post("/v1/messages?beta=true",
                        Json.bytes(turn), "anthropic-version", "2023-06-01", "x-api-key", "sk-dummy",
                        "content-type", "application/json", "x-claude-code-session-id", SESSION);
                assertThat(response.status()).as(response.text()).isEqualTo(200);
                Sse.Result stream = response.stream().assertValid();
                JsonNode usage = stream.named("message_delta").getLast().json().get("usage");
                assertThat(usage.get("cache_read_input_tokens").asLong()).isEqualTo(11500);
                assertThat(usage.get("input_tokens").asLong()).isEqualTo(500);
            }

            List<RecordedRequest> sent = upstream.requests("/v1/chat/completions");
            assertThat(sent).hasSize(turns.size());
            for (int k = 0; k + 1 < sent.size(); k++) {
                String before = sent.get(k).bodyText();
                String throughLastMessage = before.substring(0, before.indexOf("],\"tools\":"));
                assertThat(sent.get(k + 1).bodyText()).as("turn %d → %d", k + 1, k + 2).startsWith(throughLastMessage);
            }
            JsonNode body = sent.getFirst().json();
            switch (flavor) {
                case "openai" -> assertThat(body.get("prompt_cache_key").asString()).isEqualTo(SESSION);
                case "openrouter", "vllm" -> assertThat(body.get("session_id").asString()).isEqualTo(SESSION);
                case "llamacpp" -> assertThat(body.get("cache_prompt").asBoolean()).isTrue();
                default -> assertThat(new String(sent.getFirst().body(), StandardCharsets.UTF_8))
                        .doesNotContain(SESSION);
            }
        }
    }
}
