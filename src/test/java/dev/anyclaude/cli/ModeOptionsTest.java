package dev.anyclaude.cli;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.RcLocations;
import dev.anyclaude.config.TierModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --mode} presets under the other flags, and the tier model flags. */
class ModeOptionsTest {

    @TempDir
    Path temp;

    private ServeCommand serve(String... args) {
        CommandLine cli = Main.commandLine(new RcLocations(temp.resolve("home"), temp.resolve("work")));
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return (ServeCommand) cli.parseArgs(all).subcommand().commandSpec().userObject();
    }

    private GatewayConfig config(String... args) {
        return serve(args).gateway.toConfig(0);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "-", value = {
            "claude,     https://api.anthropic.com,     ANTHROPIC, -,                  auto",
            "openrouter, https://openrouter.ai/api/v1,  OPENAI,    OPENROUTER_API_KEY, openrouter",
            "openai,     https://api.openai.com/v1,     OPENAI,    OPENAI_API_KEY,     openai",
            "lmstudio,   http://127.0.0.1:1234/v1,      OPENAI,    -,                  lmstudio",
            "ollama,     http://127.0.0.1:11434/v1,     OPENAI,    -,                  ollama",
            "llamacpp,   http://127.0.0.1:8080/v1,      OPENAI,    -,                  llamacpp",
            "vllm,       http://127.0.0.1:8000/v1,      OPENAI,    -,                  vllm",
            "mlx,        http://127.0.0.1:8080/v1,      OPENAI,    -,                  mlx"})
    void eachModeIsAPreset(String mode, String baseUrl, Protocol protocol, String apiKeyEnv, String flavor) {
        GatewayConfig config = config("--mode", mode);

        assertThat(config.baseUrl()).isEqualTo(baseUrl);
        assertThat(config.protocol()).isEqualTo(protocol);
        assertThat(config.apiKeyEnv()).isEqualTo(apiKeyEnv);
        assertThat(config.flavor()).isEqualTo(flavor);
        assertThat(config.model()).isNull();
    }

    @Test
    void theClaudeModeRelaysToAnthropicWithTheClientsOwnKey() {
        GatewayConfig config = config("--mode", "claude");

        assertThat(config.upstreamHost()).isEqualTo("api.anthropic.com");
        assertThat(config.relay()).isNull();
        assertThat(config.apiKeyEnv()).isNull();
    }

    @Test
    void eachFlagOverridesItsPartOfThePreset() {
        GatewayConfig config = config("--mode", "lmstudio", "--base-url", "http://10.0.0.5:1234/v1", "--model", "qwen3");
        assertThat(config.baseUrl()).isEqualTo("http://10.0.0.5:1234/v1");
        assertThat(config.flavor()).isEqualTo("lmstudio");
        assertThat(config.model()).isEqualTo("qwen3");

        assertThat(config("--mode", "openrouter", "--api-key-env", "MY_KEY").apiKeyEnv()).isEqualTo("MY_KEY");
        assertThat(config("--mode", "openrouter", "--api-key-env", "").apiKeyEnv()).isNull();
        assertThat(config("--mode", "vllm", "--flavor", "generic").flavor()).isEqualTo("generic");
        GatewayConfig anthropicVllm = config("--mode", "vllm", "--protocol", "anthropic");
        assertThat(anthropicVllm.protocol()).isEqualTo(Protocol.ANTHROPIC);
        assertThat(anthropicVllm.baseUrl()).isEqualTo("http://127.0.0.1:8000");
    }

    @Test
    void withoutAModeTheBaseUrlDecidesAndTheProtocolIsOpenAi() {
        GatewayConfig config = config("--base-url", "http://127.0.0.1:9000/v1");

        assertThat(config.protocol()).isEqualTo(Protocol.OPENAI);
        assertThat(config.flavor()).isEqualTo("auto");
        assertThat(config.apiKeyEnv()).isNull();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"LMStudio, lmstudio", "lm-studio, lmstudio", "llama.cpp, llamacpp", "LLAMA_CPP, llamacpp", "vLLM, vllm"})
    void modeNamesAreReadAsPeopleWriteThem(String written, String flavor) {
        assertThat(config("--mode", written).flavor()).isEqualTo(flavor);
    }

    @Test
    void anUnknownModeListsTheModes() {
        assertThatThrownBy(() -> serve("--mode", "lmstudo"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("unknown mode 'lmstudo'; the modes are claude, openrouter, openai, lmstudio, "
                        + "ollama, llamacpp, vllm, mlx");
    }

    @Test
    void noModeAndNoBaseUrlIsAnErrorListingTheModes() {
        assertThatThrownBy(() -> config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No upstream: choose one with --mode (claude, openrouter, openai, lmstudio, ollama, "
                        + "llamacpp, vllm, mlx) or give --base-url, on the command line or in .anyclauderc.json "
                        + "(docs/CONFIG.md)");
    }

    @Test
    void theModeCanComeFromTheFile() throws IOException {
        Files.createDirectories(temp.resolve("work"));
        Files.writeString(temp.resolve("work/.anyclauderc.json"), "{\"mode\": \"ollama\", \"model\": \"gpt-oss:20b\"}");

        GatewayConfig config = config();

        assertThat(config.baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(config.model()).isEqualTo("gpt-oss:20b");
        assertThat(config("--mode", "vllm").baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
    }

    @Test
    void tierFlagsSetTheTierModels() {
        GatewayConfig config = config("--mode", "openrouter", "--model", "qwen/qwen3-coder",
                "--opus-model", "moonshotai/kimi-k2", "--sonnet-model", "z-ai/glm-4.6", "--haiku-model", "qwen/qwen3-30b-a3b");

        assertThat(config.model()).isEqualTo("qwen/qwen3-coder");
        assertThat(config.tiers()).isEqualTo(new TierModels("moonshotai/kimi-k2", "z-ai/glm-4.6", "qwen/qwen3-30b-a3b"));
    }

    // ---- warnings ---------------------------------------------------------------------------------------

    @Test
    void aLocalModeWithoutAModelWarnsThatClaudeNamesGoUpstream() {
        ServeCommand serve = serve("--mode", "ollama");

        assertThat(serve.gateway.warnings(serve.gateway.toConfig(0), Map.of()))
                .containsExactly("mode ollama without --model: Claude Code's model names (claude-opus-..., "
                        + "claude-sonnet-...) go upstream unchanged, which ollama is unlikely to serve; set --model "
                        + "(or model in .anyclauderc.json)");
    }

    @Test
    void noModelWarningWhereTheNameDoesNotMatterOrAModelIsSet() {
        for (String[] args : new String[][]{{"--mode", "llamacpp"}, {"--mode", "claude"}, {"--mode", "vllm", "--model", "m"},
                {"--mode", "mlx", "--opus-model", "a", "--sonnet-model", "b", "--haiku-model", "c"},
                {"--base-url", "http://127.0.0.1:1/v1"}}) {
            ServeCommand serve = serve(args);
            assertThat(serve.gateway.warnings(serve.gateway.toConfig(0), Map.of())).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void aKeyVariableThatIsNotSetIsAWarning() {
        ServeCommand serve = serve("--mode", "openrouter", "--model", "qwen/qwen3-coder");
        GatewayConfig config = serve.gateway.toConfig(0);

        assertThat(serve.gateway.warnings(config, Map.of())).containsExactly(
                "environment variable OPENROUTER_API_KEY is not set; requests go upstream without a key");
        assertThat(serve.gateway.warnings(config, Map.of("OPENROUTER_API_KEY", "sk-or-test"))).isEmpty();
    }
}
