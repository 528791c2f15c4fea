package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeModelServer;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.OpenAiSse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallProbeTest {

    private static final String HERMES_CALL =
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
    private static final String QWEN_CODER_CALL =
            "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>";

    private final FakeModelServer server = FakeModelServer.start();
    private final UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(10));

    @AfterEach
    void close() {
        http.close();
        server.close();
    }

    private ToolCallProbe.Result probe(String model, String toolFormat) {
        GatewayConfig config = GatewayConfig.of(server.openAiUrl(), Protocol.OPENAI);
        Backend backend = new OpenAiBackend(config, http, Map.of());
        Deadlines deadlines = new Deadlines(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(30));
        return ToolCallProbe.run(backend, model, toolFormat, deadlines, Duration.ofSeconds(10));
    }

    @Test
    void theProbeOffersOneToolAndAsksForIt() {
        MessagesRequest request = ToolCallProbe.request("m");

        assertThat(request.tools()).singleElement().satisfies(tool -> {
            assertThat(tool.name()).isEqualTo("get_weather");
            assertThat(tool.inputSchema().path("required").get(0).asString()).isEqualTo("city");
        });
        assertThat(request.messages()).hasSize(1);
        assertThat(request.stream()).isTrue();
        assertThat(request.maxTokens()).isEqualTo(ToolCallProbe.MAX_TOKENS);
    }

    @Test
    void callsTheServerParsedAreStructured() {
        server.chat(OpenAiSse.chat("m").role().toolCall(0, "call_1", "get_weather", "{\"city\":", " \"Paris\"}")
                .finish("tool_calls").done());

        ToolCallProbe.Result result = probe("m", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.STRUCTURED);
        assertThat(result.calls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.inputJson()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(result.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(result.firstToken()).isNotNull();
        assertThat(result.total()).isGreaterThanOrEqualTo(result.firstToken());
        // the upstream saw the tool in OpenAI form
        JsonNode sent = server.requests("/v1/chat/completions").getFirst().json();
        assertThat(sent.path("tools").get(0).path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(sent.path("model").asString()).isEqualTo("m");
    }

    @Test
    void hermesCallsWrittenAsTextAreRecoveredAndTheFormatNamed() {
        server.chat(OpenAiSse.chat("m").role().text(HERMES_CALL.substring(0, 20), HERMES_CALL.substring(20))
                .finish("stop").done());

        ToolCallProbe.Result result = probe("local-model", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.TEXT);
        assertThat(result.format()).isEqualTo("hermes");
        assertThat(result.calls()).singleElement().satisfies(call ->
                assertThat(call.inputJson()).isEqualTo("{\"city\":\"Paris\"}"));
        assertThat(result.text()).isEqualTo(HERMES_CALL);
    }

    @Test
    void qwenCoderXmlWrittenAsTextIsRecoveredByTheModelsFamilyFormat() {
        server.chat(OpenAiSse.chat("m").role().text(QWEN_CODER_CALL).finish("stop").done());

        ToolCallProbe.Result result = probe("Qwen3-Coder-30B-A3B-Instruct", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.TEXT);
        assertThat(result.format()).isEqualTo("qwen3-coder");
        assertThat(result.calls()).singleElement().satisfies(call ->
                assertThat(call.inputJson()).isEqualTo("{\"city\":\"Paris\"}"));
    }

    @Test
    void proseIsNoToolCall() {
        server.chat(OpenAiSse.chat("m").role().text("I cannot check live weather, ", "but Paris is mild in May.")
                .finish("stop").done());

        ToolCallProbe.Result result = probe("m", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.NONE);
        assertThat(result.calls()).isEmpty();
        assertThat(result.text()).isEqualTo("I cannot check live weather, but Paris is mild in May.");
        assertThat(result.recoverableAs()).isNull();
        assertThat(result.stopReason()).isEqualTo(StopReason.END_TURN);
    }

    @Test
    void aCallInAFormatTheConfiguredOneDoesNotReadNamesTheFormatThatWould() {
        server.chat(OpenAiSse.chat("m").role().text(QWEN_CODER_CALL).finish("stop").done());

        ToolCallProbe.Result result = probe("m", "mistral");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.NONE);
        assertThat(result.recoverableAs()).isEqualTo("qwen3-coder");
    }

    @Test
    void withRecoveryOffATextCallIsNoCallAndRecoverable() {
        server.chat(OpenAiSse.chat("m").role().text(HERMES_CALL).finish("stop").done());

        ToolCallProbe.Result result = probe("m", "none");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.NONE);
        assertThat(result.recoverableAs()).isEqualTo("hermes");
    }

    @Test
    void anAnswerCutOffBeforeAnyCallSaysSo() {
        server.chat(OpenAiSse.chat("m").role().reasoning("Let me think about the weather in Paris...")
                .finish("length").done());

        ToolCallProbe.Result result = probe("m", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.NONE);
        assertThat(result.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(result.text()).isEmpty();
        assertThat(result.reasoning()).startsWith("Let me think");
    }

    @Test
    void anUpstreamErrorIsAFailureWithTheServersWords() {
        server.post("/v1/chat/completions", FakeUpstream.Reply.json(400, """
                {"object":"error","message":"\\"auto\\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set","type":"BadRequestError","param":null,"code":400}"""));

        ToolCallProbe.Result result = probe("m", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.FAILED);
        assertThat(result.error().message()).contains("--enable-auto-tool-choice");
        assertThat(result.firstToken()).isNull();
    }

    @Test
    void aFailureInTheStreamIsAFailure() {
        server.chat(OpenAiSse.chat("m").role().text("Hel").error("model crashed", "server_error"));

        ToolCallProbe.Result result = probe("m", "auto");

        assertThat(result.outcome()).isEqualTo(ToolCallProbe.Outcome.FAILED);
        assertThat(result.error().message()).contains("model crashed");
        assertThat(result.text()).isEqualTo("Hel");
    }
}
