package dev.anyclaude.cli;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.api.Json;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeModelServer;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.OpenAiSse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class DoctorCommandTest {

    private static final String HERMES_CALL =
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
    private static final String QWEN_CODER_CALL =
            "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>";
    private static final String PROSE = "I'm sorry, I can't look up live weather. Paris in May is usually mild, "
            + "around 15 to 20 degrees, with some rain.";

    private final FakeModelServer server = FakeModelServer.start();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Map<String, String> env = new HashMap<>();

    @AfterEach
    void close() {
        server.close();
    }

    private boolean unicode = true;

    /** Runs {@code anyclaude doctor ARGS} in-process with captured output. */
    private int doctor(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        DoctorCommand command = cli.getSubcommands().get("doctor").getCommand();
        command.env = env;
        command.unicode = unicode;
        List<String> all = new ArrayList<>(List.of("doctor"));
        all.addAll(List.of(args));
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.execute(all.toArray(String[]::new)));
    }

    /** A llama.cpp server with a 128k window serving one model. */
    private FakeModelServer llamaCpp(String model) {
        return server.get("/v1/models", "{\"object\":\"list\",\"data\":[{\"id\":\"" + model
                        + "\",\"object\":\"model\",\"owned_by\":\"llamacpp\",\"meta\":{\"n_ctx_train\":262144}}]}")
                .get("/props", "{\"default_generation_settings\":{\"n_ctx\":131072},"
                        + "\"chat_template_caps\":{\"supports_tool_calls\":true}}");
    }

    private String[] upstream(String model, String... more) {
        List<String> args = new ArrayList<>(List.of("--base-url", server.openAiUrl(), "--model", model));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private JsonNode json() {
        return Json.parse(out.toString());
    }

    // ---- the three diagnoses ------------------------------------------------------------------------------

    @Test
    void aServerThatParsesToolCallsIsHealthy() {
        llamaCpp("qwen3-coder").chat(OpenAiSse.chat("qwen3-coder").role()
                .toolCall(0, "call_1", "get_weather", "{\"city\":\"Paris\"}").finish("tool_calls").done());

        int exit = doctor(upstream("qwen3-coder", "--flavor", "llamacpp"));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains(
                "✓ configuration: openai protocol, " + server.openAiUrl() + ", flavor llamacpp, tool format auto",
                "✓ API key: none configured",
                "✓ backend: GET " + server.openAiUrl() + "/models answered in",
                "* qwen3-coder   (--model)",
                "✓ model: qwen3-coder is served",
                "✓ server: llama.cpp",
                "✓ context window: 131,072 tokens (n_ctx in llama.cpp's GET /props)",
                "the model supports up to 262,144 tokens",
                "✓ tool calls: structured: the server parsed the model's call get_weather {\"city\":\"Paris\"}",
                "✓ timing: first token after ",
                "All checks passed.");
        assertThat(out.toString()).doesNotContain("✗");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void hermesCallsLeakedAsTextAreRecoveredWithTheServerFixToSpeedThemUp() {
        llamaCpp("local-model").chat(OpenAiSse.chat("local-model").role().text(HERMES_CALL).finish("stop").done());

        int exit = doctor(upstream("local-model"));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains(
                "! server: llama.cpp, by its endpoints",
                "pass --flavor llamacpp",
                "! tool calls: written as text in the hermes format, recovered by anyclaude: get_weather {\"city\":\"Paris\"}",
                "this works: anyclaude recovers them while streaming",
                "- llama.cpp: start llama-server with --jinja",
                "0 problems, 2 warnings.");
    }

    @Test
    void qwenCoderXmlLeakedAsTextOnVllmNamesTheVllmParser() {
        server.get("/v1/models", "{\"data\":[{\"id\":\"Qwen/Qwen3-Coder-30B-A3B-Instruct\",\"owned_by\":\"vllm\","
                        + "\"max_model_len\":131072}]}")
                .chat(OpenAiSse.chat("q").role().text(QWEN_CODER_CALL).finish("stop").done());

        int exit = doctor(upstream("Qwen/Qwen3-Coder-30B-A3B-Instruct", "--flavor", "vllm"));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains(
                "✓ context window: 131,072 tokens (max_model_len in GET /v1/models)",
                "! tool calls: written as text in the qwen3-coder format, recovered by anyclaude",
                "- vLLM: start it with --enable-auto-tool-choice --tool-call-parser qwen3_coder");
    }

    @Test
    void aModelThatAnswersInProseHasNoToolCallsAndTheFixesToTry() {
        llamaCpp("chatty").chat(OpenAiSse.chat("chatty").role().text(PROSE).finish("stop").done());

        int exit = doctor(upstream("chatty", "--flavor", "llamacpp"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains(
                "✗ tool calls: none: the model answered without calling get_weather",
                "the model wrote: \"I'm sorry, I can't look up live weather.",
                "try:",
                "- a model trained for tool calling",
                "the server says this one handles tools, so it chose prose",
                "- llama.cpp: start llama-server with --jinja",
                "- --tool-format NAME if the model writes its calls in a format anyclaude knows",
                "1 problem, 0 warnings.");
    }

    @Test
    void proseLongerThanTheExcerptIsCut() {
        String longProse = "word ".repeat(100);
        llamaCpp("chatty").chat(OpenAiSse.chat("chatty").role().text(longProse).finish("stop").done());

        doctor(upstream("chatty", "--json"));

        String excerpt = json().path("tool_calls").path("output_excerpt").asString();
        assertThat(excerpt).hasSize(203).endsWith("...");
    }

    @Test
    void aCallTheConfiguredFormatCannotReadNamesTheToolFormatThatCan() {
        llamaCpp("m").chat(OpenAiSse.chat("m").role().text(QWEN_CODER_CALL).finish("stop").done());

        int exit = doctor(upstream("m", "--tool-format", "mistral"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("✗ tool calls: none",
                "- --tool-format qwen3-coder: the answer holds a call in that format, which the configured format "
                        + "(mistral) does not read");
    }

    @Test
    void aServerThatRejectsToolsShowsItsWordsAndTheFix() {
        server.get("/v1/models", "{\"data\":[{\"id\":\"m\",\"owned_by\":\"vllm\",\"max_model_len\":65536}]}")
                .post("/v1/chat/completions", FakeUpstream.Reply.json(400, "{\"object\":\"error\",\"message\":"
                        + "\"\\\"auto\\\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set\","
                        + "\"type\":\"BadRequestError\",\"code\":400}"));

        int exit = doctor(upstream("m"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("✗ tool calls: the request failed: ",
                "--enable-auto-tool-choice and --tool-call-parser to be set",
                "- vLLM: start it with --enable-auto-tool-choice --tool-call-parser PARSER")
                .doesNotContain("timing");
    }

    @Test
    void anAnthropicCompatibleServerIsProbedThroughItsMessagesEndpoint() {
        server.get("/v1/models", "{\"data\":[{\"id\":\"model.gguf\",\"object\":\"model\",\"owned_by\":\"llamacpp\"}]}")
                .get("/props", "{\"default_generation_settings\":{\"n_ctx\":131072}}")
                .post("/v1/messages", AnthropicSse.message("model.gguf")
                        .toolUse("toolu_1", "get_weather", "{\"city\":", "\"Paris\"}").end("tool_use", 12).reply());

        int exit = doctor("--base-url", server.baseUrl(), "--protocol", "anthropic", "--model", "model.gguf");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("✓ configuration: anthropic protocol, " + server.baseUrl(),
                "✓ server: llama.cpp",
                "✓ tool calls: structured: the server parsed the model's call get_weather {\"city\":\"Paris\"}");
    }

    @Test
    void aModelThatNeverAnswersIsCutOffByTheFirstTokenDeadline() {
        FakeUpstream.Gate never = new FakeUpstream.Gate();
        llamaCpp("m").post("/v1/chat/completions",
                OpenAiSse.chat("m").role().text("late").finish("stop").done().reply().withStallAt(0, never));

        int exit = doctor(upstream("m", "--flavor", "llamacpp", "--first-token-timeout", "1s"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("✗ tool calls: the request failed: ").doesNotContain("timing");
    }

    // ---- the backend and its models -----------------------------------------------------------------------

    @Test
    void aBackendThatIsDownIsAClearProblemAndTheRestIsSkipped() throws IOException {
        int port = Ports.free();

        int exit = doctor("--base-url", "http://127.0.0.1:" + port + "/v1", "--model", "m");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains(
                "✗ backend: openai-compatible (generic) upstream is not reachable at http://127.0.0.1:" + port
                        + " (connection refused)",
                "is the server running?",
                "- context window: skipped",
                "- tool calls: skipped",
                "1 problem, 0 warnings.");
    }

    @Test
    void aServerThatSitsOnTheModelListIsAProblemAndNotWaitedForAgain() {
        FakeUpstream.Gate never = new FakeUpstream.Gate();
        server.on("GET", "/v1/models", FakeUpstream.Reply.json(200, "{\"data\":[]}").withStallBeforeHeaders(never));

        int exit = doctor(upstream("m", "--headers-timeout", "1s"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("✗ backend: ", "sent no response headers within 1 s",
                "busy with another request", "- tool calls: skipped: the backend did not answer");
        assertThat(server.asked()).containsExactly("GET /v1/models");
    }

    @Test
    void aModelTheServerDoesNotListIsAWarning() {
        llamaCpp("qwen3:latest").chat(OpenAiSse.chat("x").role()
                .toolCall(0, "c", "get_weather", "{\"city\":\"Paris\"}").finish("tool_calls").done());

        int exit = doctor(upstream("qwen3", "--flavor", "llamacpp"));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("! model: qwen3 is not among the server's models", "did you mean qwen3:latest?",
                "  qwen3:latest");
    }

    @Test
    void withoutAModelTheFirstListedIsChecked() {
        llamaCpp("only-model").chat(OpenAiSse.chat("x").role()
                .toolCall(0, "c", "get_weather", "{\"city\":\"Paris\"}").finish("tool_calls").done());

        int exit = doctor("--base-url", server.openAiUrl(), "--flavor", "llamacpp", "--json");

        assertThat(exit).isZero();
        JsonNode report = json();
        assertThat(report.path("upstream").path("model").isNull()).isTrue();
        assertThat(report.path("upstream").path("model_checked").asString()).isEqualTo("only-model");
        assertThat(status(report, "model")).isEqualTo("warn");
        assertThat(server.requests("/v1/chat/completions").getFirst().json().path("model").asString())
                .isEqualTo("only-model");
    }

    @Test
    void manyModelsAreCountedNotAllListed() {
        String[] ids = new String[25];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "model-" + i;
        }
        server.models(ids).chat(OpenAiSse.chat("x").role().text(PROSE).finish("stop").done());

        doctor(upstream("model-20"));

        assertThat(out.toString()).contains("  model-9", "* model-20   (--model)", "... and 14 more")
                .doesNotContain("model-10\n");
    }

    // ---- context window -----------------------------------------------------------------------------------

    @Test
    void anOllamaModelOnTheSmallDefaultContextIsAProblemWithTheFix() {
        server.models("qwen3:8b")
                .get("/api/ps", "{\"models\":[{\"name\":\"qwen3:8b\",\"model\":\"qwen3:8b\",\"context_length\":4096}]}")
                .post("/api/show", "{\"parameters\":\"temperature 0.6\",\"model_info\":{\"qwen3.context_length\":40960},"
                        + "\"capabilities\":[\"completion\",\"tools\"]}")
                .chat(OpenAiSse.chat("x").role().toolCallWhole(0, "c", "get_weather", "{\"city\":\"Paris\"}")
                        .finish("tool_calls").done());

        int exit = doctor(upstream("qwen3:8b", "--flavor", "ollama"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains(
                "✓ server: Ollama",
                "✗ context window: 4,096 tokens (the loaded model's context_length in Ollama's GET /api/ps): too small for Claude Code",
                "Claude Code's system prompt and tools alone take about 20,000 tokens",
                "OLLAMA_CONTEXT_LENGTH=65536",
                "✓ tool calls: structured");
    }

    @Test
    void aWindowBelowTheRecommendationIsAWarning() {
        server.get("/v1/models", "{\"data\":[{\"id\":\"m\",\"owned_by\":\"llamacpp\"}]}")
                .get("/props", "{\"default_generation_settings\":{\"n_ctx\":40960}}")
                .chat(OpenAiSse.chat("x").role().toolCall(0, "c", "get_weather", "{\"city\":\"Paris\"}")
                        .finish("tool_calls").done());

        int exit = doctor(upstream("m", "--flavor", "llamacpp"));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("! context window: 40,960 tokens", "it will compact often",
                "llama.cpp: start llama-server with -c 65536");
    }

    @Test
    void aServerThatDoesNotTellTheWindowSaysUnknown() {
        server.models("m").chat(OpenAiSse.chat("x").role().toolCall(0, "c", "get_weather", "{\"city\":\"Paris\"}")
                .finish("tool_calls").done());

        int exit = doctor(upstream("m", "--json"));

        assertThat(exit).isZero();
        JsonNode report = json();
        assertThat(report.path("context_window").path("tokens").isNull()).isTrue();
        assertThat(report.path("context_window").path("verdict").asString()).isEqualTo("unknown");
        assertThat(report.path("server").isNull()).isTrue();
        assertThat(check(report, "context_window").path("summary").asString()).startsWith("unknown");
    }

    // ---- configuration ------------------------------------------------------------------------------------

    @Test
    void theApiKeyIsCheckedButNeverPrinted() {
        llamaCpp("m").chat(OpenAiSse.chat("x").role().text(PROSE).finish("stop").done());
        env.put("MY_KEY", "sk-very-secret-value");

        doctor(upstream("m", "--api-key-env", "MY_KEY"));
        doctor(upstream("m", "--api-key-env", "MY_KEY", "--json"));

        assertThat(out.toString()).contains("✓ API key: $MY_KEY is set").doesNotContain("sk-very-secret-value");
        assertThat(server.requests("/v1/chat/completions").getFirst().header("authorization"))
                .isEqualTo("Bearer sk-very-secret-value");
    }

    @Test
    void aNamedKeyThatIsNotSetIsAWarning() {
        llamaCpp("m").chat(OpenAiSse.chat("x").role().toolCall(0, "c", "get_weather", "{\"city\":\"Paris\"}")
                .finish("tool_calls").done());

        doctor(upstream("m", "--api-key-env", "NOT_SET_ANYWHERE"));

        assertThat(out.toString()).contains("! API key: $NOT_SET_ANYWHERE is not set");
    }

    @Test
    void aTerminalWithoutUnicodeGetsAsciiMarks() {
        llamaCpp("m").chat(OpenAiSse.chat("x").role().text(PROSE).finish("stop").done());
        unicode = false;

        doctor(upstream("m", "--flavor", "llamacpp"));

        assertThat(out.toString()).contains("+ configuration: ", "x tool calls: none").doesNotContain("✓", "✗");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(doctor()).isEqualTo(2);
        assertThat(err.toString()).contains("No upstream: choose one with --mode");
        assertThat(doctor("--base-url", "notaurl")).isEqualTo(2);
        assertThat(doctor("--base-url", "http://127.0.0.1:9/v1", "--flavor", "nonsense")).isEqualTo(2);
        assertThat(doctor("--base-url", "http://127.0.0.1:9/v1", "--tool-format", "nonsense")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown tool-call format 'nonsense'");
        assertThat(server.asked()).isEmpty();
    }

    @Test
    void helpListsTheGatewayFlagsAndExitCodes() {
        assertThat(doctor("--help")).isZero();
        assertThat(out.toString()).contains("Usage: anyclaude doctor", "--base-url", "--model", "--tool-format",
                "--json", "Exit codes:");
        out.getBuffer().setLength(0);
        Main.commandLine().setOut(new PrintWriter(out, true));
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.execute("--help");
        assertThat(out.toString()).contains("doctor");
    }

    // ---- --json -------------------------------------------------------------------------------------------

    @Test
    void everyReplicaIsAskedForItsModelsAndOneThatIsDownOrLacksTheModelIsAWarning() {
        llamaCpp("local-model").chat(OpenAiSse.chat("x").role().text("Sure. ", HERMES_CALL).finish("stop").done());
        try (FakeModelServer same = FakeModelServer.start().models("local-model");
             FakeModelServer other = FakeModelServer.start().models("another-model")) {
            int down = Ports.free();
            String downUrl = "http://127.0.0.1:" + down + "/v1";

            int exit = doctor(upstream("local-model", "--replica", same.openAiUrl(), "--replica", downUrl,
                    "--replica", other.openAiUrl(), "--json"));

            assertThat(exit).as("a replica down is a warning: the others take its sessions").isZero();
            JsonNode report = json();
            JsonNode check = null;
            for (JsonNode c : report.path("checks")) {
                if (c.path("id").asString().equals("replicas")) {
                    check = c;
                }
            }
            assertThat(check).isNotNull();
            assertThat(check.path("status").asString()).isEqualTo("warn");
            assertThat(check.path("summary").asString()).startsWith("2 of 3 other replicas answer");
            assertThat(check.path("details").toString()).contains(same.openAiUrl() + ": answered in",
                    downUrl + ": ", "connection refused", other.openAiUrl() + ": answered in",
                    "local-model is not among them");
            JsonNode replicas = report.path("replicas");
            assertThat(replicas.size()).isEqualTo(3);
            assertThat(replicas.get(0).path("answers").asBoolean()).isTrue();
            assertThat(replicas.get(1).path("answers").asBoolean()).isFalse();
            assertThat(replicas.get(2).path("models").asInt()).isEqualTo(1);
        }

        out.getBuffer().setLength(0);
        try (FakeModelServer same = FakeModelServer.start().models("local-model")) {
            assertThat(doctor(upstream("local-model", "--replica", same.openAiUrl()))).isZero();
            assertThat(out.toString()).contains("✓ replicas: 1 of 1 other replica answers");
        }
    }

    @Test
    void jsonHasEveryCheckAndTheFactsBehindThem() {
        llamaCpp("local-model").chat(OpenAiSse.chat("x").role().text("Sure. ", HERMES_CALL).finish("stop").done());

        int exit = doctor(upstream("local-model", "--json"));

        assertThat(exit).isZero();
        JsonNode report = json();
        assertThat(report.path("ok").asBoolean()).isTrue();
        assertThat(report.path("exit_code").asInt()).isZero();
        List<String> ids = new ArrayList<>();
        report.path("checks").forEach(check -> {
            ids.add(check.path("id").asString());
            assertThat(check.path("status").asString()).isIn("ok", "warn", "fail", "skipped");
            assertThat(check.path("summary").isString()).isTrue();
            assertThat(check.path("details").isArray()).isTrue();
        });
        assertThat(ids).containsExactly("config", "api_key", "backend", "model", "server", "context_window",
                "tool_calls", "timing");
        assertThat(report.path("upstream").path("base_url").asString()).isEqualTo(server.openAiUrl());
        assertThat(report.path("upstream").path("protocol").asString()).isEqualTo("openai");
        assertThat(report.path("models").get(0).asString()).isEqualTo("local-model");
        assertThat(report.path("server").asString()).isEqualTo("llama.cpp");
        assertThat(report.path("context_window").path("tokens").asLong()).isEqualTo(131072);
        assertThat(report.path("context_window").path("model_max").asLong()).isEqualTo(262144);
        assertThat(report.path("context_window").path("tool_support").asBoolean()).isTrue();
        assertThat(report.path("context_window").path("source").asString()).isEqualTo("n_ctx in llama.cpp's GET /props");
        JsonNode tools = report.path("tool_calls");
        assertThat(tools.path("result").asString()).isEqualTo("text");
        assertThat(tools.path("format").asString()).isEqualTo("hermes");
        assertThat(tools.path("calls").get(0).path("name").asString()).isEqualTo("get_weather");
        assertThat(tools.path("calls").get(0).path("input").path("city").asString()).isEqualTo("Paris");
        assertThat(tools.path("output_excerpt").asString()).startsWith("Sure. <tool_call>");
        assertThat(tools.path("fixes").get(0).asString()).contains("--jinja");
        assertThat(report.path("timing").path("total_ms").isIntegralNumber()).isTrue();
        assertThat(out.toString()).doesNotContain("✓");
    }

    @Test
    void jsonOfAFailedRunSaysWhy() throws IOException {
        int port = Ports.free();

        int exit = doctor("--base-url", "http://127.0.0.1:" + port, "--model", "m", "--json");

        assertThat(exit).isEqualTo(1);
        JsonNode report = json();
        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(report.path("exit_code").asInt()).isEqualTo(1);
        assertThat(status(report, "backend")).isEqualTo("fail");
        assertThat(status(report, "tool_calls")).isEqualTo("skipped");
        assertThat(report.path("models").isNull()).isTrue();
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode check : report.path("checks")) {
            if (check.path("id").asString().equals(id)) {
                return check;
            }
        }
        throw new AssertionError("no check " + id + " in " + report);
    }

    private static String status(JsonNode report, String id) {
        return check(report, id).path("status").asString();
    }
}
