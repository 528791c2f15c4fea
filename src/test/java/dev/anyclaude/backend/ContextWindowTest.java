package dev.anyclaude.backend;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeModelServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ContextWindowTest {

    private final FakeModelServer server = FakeModelServer.start();
    private final UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(10));

    @AfterEach
    void close() {
        http.close();
        server.close();
    }

    private ContextWindow.Report inspect(String flavor, String model) {
        GatewayConfig config = GatewayConfig.of(server.openAiUrl(), Protocol.OPENAI).withFlavor(flavor);
        return ContextWindow.inspect(config, model, http, Map.of());
    }

    // ---- vLLM ---------------------------------------------------------------------------------------------

    @Test
    void vllmMaxModelLenInTheModelListIsTheWindow() {
        server.get("/v1/models", """
                {"object":"list","data":[{"id":"Qwen/Qwen3-Coder-30B-A3B-Instruct","object":"model",
                  "owned_by":"vllm","root":"Qwen/Qwen3-Coder-30B-A3B-Instruct","max_model_len":65536}]}""");

        ContextWindow.Report report = inspect("auto", "Qwen/Qwen3-Coder-30B-A3B-Instruct");

        assertThat(report.server()).isEqualTo(ServerKind.VLLM);
        assertThat(report.window()).hasValue(65536);
        assertThat(report.modelMaximum()).hasValue(65536);
        assertThat(report.source()).contains("max_model_len");
        // the list said it all: no other server's endpoints are asked
        assertThat(server.asked()).containsExactly("GET /v1/models");
    }

    // ---- OpenRouter ---------------------------------------------------------------------------------------

    @Test
    void openRouterContextLengthAndToolSupportComeFromTheModelList() {
        server.get("/v1/models", """
                {"data":[
                  {"id":"qwen/qwen3-coder","context_length":262144,"top_provider":{"context_length":262144},
                   "supported_parameters":["max_tokens","temperature","tools","tool_choice"]},
                  {"id":"some/other","context_length":8192,"supported_parameters":["max_tokens"]}]}""");

        ContextWindow.Report report = inspect("openrouter", "qwen/qwen3-coder");

        assertThat(report.server()).isEqualTo(ServerKind.OPENROUTER);
        assertThat(report.window()).hasValue(262144);
        assertThat(report.toolSupport()).contains(true);
        assertThat(report.source()).contains("context_length");
        assertThat(server.asked()).containsExactly("GET /v1/models");
        assertThat(inspect("openrouter", "some/other").toolSupport()).contains(false);
    }

    // ---- llama.cpp ----------------------------------------------------------------------------------------

    @Test
    void llamaCppNCtxFromPropsIsTheWindowAndNCtxTrainTheMaximum() {
        server.get("/v1/models", """
                {"object":"list","data":[{"id":"qwen3-coder.gguf","object":"model","owned_by":"llamacpp",
                  "meta":{"n_ctx_train":262144,"n_params":30532122624}}]}""")
                .get("/props", """
                        {"default_generation_settings":{"n_ctx":32768,"params":{}},"total_slots":1,
                         "model_path":"/models/qwen3-coder.gguf","chat_template":"...",
                         "chat_template_caps":{"supports_tools":true,"supports_tool_calls":true}}""");

        ContextWindow.Report report = inspect("auto", "qwen3-coder.gguf");

        assertThat(report.server()).isEqualTo(ServerKind.LLAMACPP);
        assertThat(report.window()).hasValue(32768);
        assertThat(report.modelMaximum()).hasValue(262144);
        assertThat(report.source()).isEqualTo("n_ctx in llama.cpp's GET /props");
        assertThat(report.toolSupport()).contains(true);
    }

    @Test
    void llamaCppWithoutAModelNameUsesItsOnlyModel() {
        server.get("/v1/models", "{\"data\":[{\"id\":\"model.gguf\",\"meta\":{\"n_ctx_train\":131072}}]}")
                .get("/props", "{\"default_generation_settings\":{\"n_ctx\":8192}}");

        assertThat(inspect("llamacpp", null).window()).hasValue(8192);
        assertThat(inspect("llamacpp", null).modelMaximum()).hasValue(131072);
    }

    // ---- LM Studio ----------------------------------------------------------------------------------------

    @Test
    void lmStudioLoadedInstanceContextFromTheV1Api() {
        server.models("qwen/qwen3-coder-30b")
                .get("/api/v1/models", """
                        {"models":[{"type":"llm","key":"qwen/qwen3-coder-30b","display_name":"Qwen3 Coder 30B",
                          "loaded_instances":[{"id":"qwen/qwen3-coder-30b","config":{"context_length":40960}}],
                          "max_context_length":262144,"format":"gguf",
                          "capabilities":{"vision":false,"trained_for_tool_use":true}}]}""");

        ContextWindow.Report report = inspect("auto", "qwen/qwen3-coder-30b");

        assertThat(report.server()).isEqualTo(ServerKind.LMSTUDIO);
        assertThat(report.window()).hasValue(40960);
        assertThat(report.modelMaximum()).hasValue(262144);
        assertThat(report.toolSupport()).contains(true);
        assertThat(report.notes()).isEmpty();
    }

    @Test
    void lmStudioModelThatIsNotLoadedHasOnlyItsMaximumAndANote() {
        server.models("google/gemma-3-12b")
                .get("/api/v1/models", """
                        {"models":[{"type":"llm","key":"google/gemma-3-12b","loaded_instances":[],
                          "max_context_length":131072,"capabilities":{"trained_for_tool_use":false}}]}""");

        ContextWindow.Report report = inspect("lmstudio", "google/gemma-3-12b");

        assertThat(report.window()).isEmpty();
        assertThat(report.modelMaximum()).hasValue(131072);
        assertThat(report.source()).contains("max_context_length");
        assertThat(report.toolSupport()).contains(false);
        assertThat(report.notes()).singleElement().asString().contains("not loaded", "--context-length");
    }

    @Test
    void olderLmStudioAnswersOnTheV0Api() {
        server.models("qwen2.5-7b-instruct")
                .get("/api/v0/models", """
                        {"object":"list","data":[{"id":"qwen2.5-7b-instruct","object":"model","type":"llm",
                          "state":"loaded","max_context_length":32768,"loaded_context_length":16384}]}""");

        ContextWindow.Report report = inspect("auto", "qwen2.5-7b-instruct");

        assertThat(report.server()).isEqualTo(ServerKind.LMSTUDIO);
        assertThat(report.window()).hasValue(16384);
        assertThat(report.modelMaximum()).hasValue(32768);
        assertThat(report.source()).contains("loaded_context_length");
    }

    // ---- Ollama -------------------------------------------------------------------------------------------

    private static final String OLLAMA_SHOW = """
            {"modelfile":"FROM qwen3","parameters":"%s","template":"{{ .Prompt }}",
             "details":{"family":"qwen3"},
             "model_info":{"general.architecture":"qwen3","qwen3.context_length":40960,"qwen3.block_count":36},
             "capabilities":["completion","tools","thinking"]}""";

    @Test
    void ollamaLoadedModelContextFromPs() {
        server.models("qwen3:8b")
                .get("/api/ps", """
                        {"models":[{"name":"qwen3:8b","model":"qwen3:8b","size":6000000000,
                          "expires_at":"2026-01-01T00:00:00Z","size_vram":6000000000,"context_length":8192}]}""")
                .post("/api/show", OLLAMA_SHOW.formatted("temperature 0.6"));

        ContextWindow.Report report = inspect("auto", "qwen3:8b");

        assertThat(report.server()).isEqualTo(ServerKind.OLLAMA);
        assertThat(report.window()).hasValue(8192);
        assertThat(report.modelMaximum()).hasValue(40960);
        assertThat(report.source()).contains("/api/ps");
        assertThat(report.toolSupport()).contains(true);
        // 8192 is below what Claude Code wants: say how to raise it
        assertThat(report.notes()).singleElement().asString().contains("OLLAMA_CONTEXT_LENGTH", "num_ctx");
        assertThat(server.requests("/api/show").getFirst().json().get("model").asString()).isEqualTo("qwen3:8b");
    }

    @Test
    void ollamaNumCtxParameterIsTheWindowWhenTheModelIsNotLoaded() {
        server.models("coder:latest")
                .get("/api/ps", "{\"models\":[]}")
                .post("/api/show", OLLAMA_SHOW.formatted("num_ctx                        65536\\nstop \\\"<|im_end|>\\\""));

        ContextWindow.Report report = inspect("ollama", "coder");

        assertThat(report.window()).hasValue(65536);
        assertThat(report.source()).contains("num_ctx");
        assertThat(report.notes()).isEmpty();
    }

    @Test
    void ollamaWithoutNumCtxRunsItsSmallDefaultSoTheWindowIsUnknownAndSaidSo() {
        server.models("qwen3:latest")
                .get("/api/ps", "{\"models\":[]}")
                .post("/api/show", OLLAMA_SHOW.formatted("temperature 0.6"));

        ContextWindow.Report report = inspect("auto", "qwen3");

        assertThat(report.server()).isEqualTo(ServerKind.OLLAMA);
        assertThat(report.window()).isEmpty();
        assertThat(ContextWindow.discover(GatewayConfig.of(server.openAiUrl(), Protocol.OPENAI), "qwen3", http,
                Map.of())).isEmpty();
        assertThat(report.modelMaximum()).hasValue(40960);
        assertThat(report.notes()).singleElement().asString().contains("4096", "silently cuts");
    }

    @Test
    void ollamaPsMatchesANameWithoutItsLatestTag() {
        server.models("qwen3:latest")
                .get("/api/ps", "{\"models\":[{\"name\":\"qwen3:latest\",\"model\":\"qwen3:latest\",\"context_length\":131072}]}");

        assertThat(inspect("ollama", "qwen3").window()).hasValue(131072);
    }

    // ---- nothing to tell ----------------------------------------------------------------------------------

    @Test
    void aServerThatTellsNothingGivesAnUnknownWindow() {
        server.models("mystery");

        ContextWindow.Report report = inspect("auto", "mystery");

        assertThat(report.server()).isEqualTo(ServerKind.UNKNOWN);
        assertThat(report.window()).isEmpty();
        assertThat(report.modelMaximum()).isEmpty();
        assertThat(report.source()).isNull();
        assertThat(report.toolSupport()).isEqualTo(Optional.empty());
        assertThat(report.notes()).isEmpty();
        // every local server kind was asked in turn
        assertThat(server.asked()).contains("GET /props", "GET /api/v1/models", "GET /api/v0/models", "GET /api/ps",
                "POST /api/show");
    }

    @Test
    void aConfiguredFlavorAsksOnlyThatServersEndpoints() {
        server.models("m");

        inspect("vllm", "m");
        assertThat(server.asked()).containsExactly("GET /v1/models");
    }

    @Test
    void anUnreachableServerIsUnknownNotAnError() throws IOException {
        int port = Ports.free();
        GatewayConfig config = GatewayConfig.of("http://127.0.0.1:" + port + "/v1", Protocol.OPENAI);

        assertThat(ContextWindow.discover(config, "m", http, Map.of())).isEqualTo(OptionalLong.empty());
    }

    @Test
    void theApiKeyGoesWithEveryQuestion() {
        server.models("m").get("/props", "{\"default_generation_settings\":{\"n_ctx\":4096}}");
        GatewayConfig config = GatewayConfig.of(server.openAiUrl(), Protocol.OPENAI).withApiKeyEnv("KEY");

        ContextWindow.inspect(config, "m", http, Map.of("KEY", "sekrit"));

        assertThat(server.requests("/v1/models").getFirst().header("authorization")).isEqualTo("Bearer sekrit");
        assertThat(server.requests("/props").getFirst().header("authorization")).isEqualTo("Bearer sekrit");
    }

    @Test
    void anAnthropicCompatibleLocalServerIsAskedAtItsRoot() {
        server.get("/v1/models", "{\"data\":[{\"id\":\"model.gguf\",\"object\":\"model\",\"owned_by\":\"llamacpp\"}]}")
                .get("/props", "{\"default_generation_settings\":{\"n_ctx\":131072}}");
        GatewayConfig config = GatewayConfig.of(server.baseUrl(), Protocol.ANTHROPIC);

        ContextWindow.Report report = ContextWindow.inspect(config, "model.gguf", http, Map.of());

        assertThat(report.server()).isEqualTo(ServerKind.LLAMACPP);
        assertThat(report.window()).hasValue(131072);
        assertThat(server.requests("/v1/models").getFirst().header("anthropic-version")).isNotNull();
    }
}
