package dev.anyclaude.cli;

import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.RcLocations;
import dev.anyclaude.config.TierModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code .anyclauderc.json}: layering, arrays, the extra fields, and every error a file can have. */
class RcDefaultsTest {

    @TempDir
    Path temp;
    private Path home;
    private Path work;

    @BeforeEach
    void dirs() throws IOException {
        home = Files.createDirectories(temp.resolve("home"));
        work = Files.createDirectories(temp.resolve("work"));
    }

    private Path write(Path dir, String json) throws IOException {
        return Files.writeString(dir.resolve(".anyclauderc.json"), json);
    }

    private CommandLine commandLine() {
        return Main.commandLine(new RcLocations(home, work));
    }

    /** The serve command after parsing {@code args} (no server is started). */
    private ServeCommand serve(String... args) {
        CommandLine cli = commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine.ParseResult parsed = cli.parseArgs(all);
        return (ServeCommand) parsed.subcommand().commandSpec().userObject();
    }

    private GatewayConfig config(String... args) {
        return serve(args).gateway.toConfig(0);
    }

    private String error(String... args) {
        return assertThatThrownBy(() -> serve(args))
                .isInstanceOf(CommandLine.ParameterException.class)
                .actual().getMessage();
    }

    // ---- layering ---------------------------------------------------------------------------------------

    @Test
    void theWorkingDirectoryFileOverridesTheHomeFileFieldByField() throws IOException {
        write(home, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"model\": \"home-model\", \"retries\": 7}");
        write(work, "{\"model\": \"project-model\"}");

        GatewayConfig config = config();

        assertThat(config.model()).isEqualTo("project-model");
        assertThat(config.baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
        assertThat(config.resilience().maxRetries()).isEqualTo(7);
    }

    @Test
    void flagsOverrideBothFiles() throws IOException {
        write(home, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"model\": \"home-model\", \"idleTimeout\": \"1m\"}");
        write(work, "{\"model\": \"project-model\"}");

        GatewayConfig config = config("--model", "flag-model", "--idle-timeout", "2m");

        assertThat(config.model()).isEqualTo("flag-model");
        assertThat(config.deadlines().idle()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theHomeFileAloneIsUsed() throws IOException {
        write(home, "{\"mode\": \"ollama\", \"model\": \"qwen3-coder:30b\"}");

        GatewayConfig config = config();

        assertThat(config.baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(config.model()).isEqualTo("qwen3-coder:30b");
    }

    @Test
    void withoutFilesTheBuiltInDefaultsHold() {
        GatewayConfig config = config("--base-url", "http://127.0.0.1:1/v1");

        assertThat(config.resilience().maxRetries()).isEqualTo(2);
        assertThat(config.deadlines().firstToken()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.protocol()).isEqualTo(Protocol.OPENAI);
    }

    @Test
    void aNullInALaterFileRemovesWhatAnEarlierOneSet() throws IOException {
        write(home, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"model\": \"home-model\", \"retries\": 7}");
        write(work, "{\"model\": null, \"retries\": null}");

        GatewayConfig config = config();

        assertThat(config.model()).isNull();
        assertThat(config.resilience().maxRetries()).isEqualTo(2);
    }

    @Test
    void anExplicitConfigFileIsReadInsteadOfTheOthers() throws IOException {
        write(home, "{\"model\": \"home-model\", \"retries\": 7}");
        write(work, "{\"model\": \"project-model\"}");
        Files.writeString(work.resolve("other.json"), "{\"baseUrl\": \"http://127.0.0.1:2/v1\", \"model\": \"other-model\"}");

        GatewayConfig config = config("--config", "other.json");

        assertThat(config.model()).isEqualTo("other-model");
        assertThat(config.resilience().maxRetries()).isEqualTo(2);
    }

    @Test
    void theConfigOptionWorksBeforeTheSubcommandToo() throws IOException {
        Path file = Files.writeString(temp.resolve("x.json"), "{\"baseUrl\": \"http://127.0.0.1:3/v1\"}");

        CommandLine.ParseResult parsed = commandLine().parseArgs("--config", file.toString(), "serve");
        ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(serve.gateway.toConfig(0).baseUrl()).isEqualTo("http://127.0.0.1:3/v1");
    }

    @Test
    void aMissingExplicitConfigFileIsAnError() {
        assertThat(error("--config", "nowhere.json")).contains(work.resolve("nowhere.json").toString(),
                "does not exist");
    }

    @Test
    void theFilesReadAreReported() throws IOException {
        Path homeFile = write(home, "{\"retries\": 1}");
        Path workFile = write(work, "{\"baseUrl\": \"http://127.0.0.1:1/v1\"}");

        ServeCommand serve = serve();

        RcDefaults rc = RcDefaults.of(serve.spec);
        assertThat(rc.sources()).containsExactly(homeFile, workFile);
        assertThat(rc.sourceOf("retries")).isEqualTo(homeFile);
        assertThat(rc.sourceOf("baseUrl")).isEqualTo(workFile);
    }

    @Test
    void helpShowsTheFilesValuesAsDefaults() throws IOException {
        write(work, "{\"retries\": 6}");
        StringWriter out = new StringWriter();
        CommandLine cli = commandLine();
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("serve", "--help")).isZero();
        assertThat(out.toString()).containsPattern("--retries=<retries>\\s+Retries per upstream[^)]*\\(default:\\s+6\\)");
    }

    // ---- values -----------------------------------------------------------------------------------------

    @Test
    void aRepeatableOptionTakesAnArrayWhoseItemsMayHoldCommas() throws IOException {
        write(work, """
                {"baseUrl": "http://127.0.0.1:1/v1",
                 "fallback": ["url=http://127.0.0.1:2/v1,model=backup,api-key-env=KEY", "smaller-model"]}""");

        List<Fallback> chain = config().resilience().fallbacks();

        assertThat(chain).containsExactly(
                new Fallback("http://127.0.0.1:2/v1", null, "backup", "KEY", null),
                new Fallback(null, null, "smaller-model", null, null));
    }

    @Test
    void aRepeatableOptionTakesASingleString() throws IOException {
        write(work, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"fallback\": \"url=http://127.0.0.1:2/v1,model=b\"}");

        assertThat(config().resilience().fallbacks()).containsExactly(
                new Fallback("http://127.0.0.1:2/v1", null, "b", null, null));
    }

    @Test
    void aLaterArrayReplacesAnEarlierOneAndFlagsReplaceBoth() throws IOException {
        write(home, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"fallback\": [\"a\", \"b\"]}");
        write(work, "{\"fallback\": [\"c\"]}");

        assertThat(config().resilience().fallbacks()).extracting(Fallback::model).containsExactly("c");
        assertThat(config("--fallback", "d", "--fallback", "e").resilience().fallbacks())
                .extracting(Fallback::model).containsExactly("d", "e");
    }

    @Test
    void replicasComeFromTheFileArrayOrRepeatedFlags() throws IOException {
        write(work, "{\"baseUrl\": \"http://gpu-1:8000/v1\", \"replica\": [\"http://gpu-2:8000/v1\", "
                + "\"http://gpu-3:8000/v1\"]}");

        assertThat(config().baseUrls()).containsExactly("http://gpu-1:8000/v1", "http://gpu-2:8000/v1",
                "http://gpu-3:8000/v1");
        assertThat(config("--replica", "http://gpu-4:8000/v1").replicas()).containsExactly("http://gpu-4:8000/v1");
    }

    @Test
    void numbersBooleansAndDurationsTakeTheirJsonTypes() throws IOException {
        write(work, """
                {"baseUrl": "http://127.0.0.1:1/v1", "retries": 0, "loopGuard": false, "relay": true,
                 "firstTokenTimeout": 90, "idleTimeout": "45s", "maxBodySize": "8m", "maxOutputTokens": 8192,
                 "protocol": "anthropic"}""");

        GatewayConfig config = config();

        assertThat(config.resilience().maxRetries()).isZero();
        assertThat(config.guards().loopGuard()).isFalse();
        assertThat(config.relay()).isTrue();
        assertThat(config.deadlines().firstToken()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.deadlines().idle()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.guards().maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.maxOutputTokens()).isEqualTo(8192);
        assertThat(config.protocol()).isEqualTo(Protocol.ANTHROPIC);
    }

    @Test
    void valuesAreLiteralNotInterpolated() throws IOException {
        write(work, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"model\": \"m-${env:NO_SUCH_VARIABLE}\"}");

        assertThat(config().model()).isEqualTo("m-${env:NO_SUCH_VARIABLE}");
    }

    @Test
    void valuesAreLiteralWhetherOrNotTheCommandLineExpandsVariables() throws IOException {
        // the whole tree (help) expands variables, the tree a start makes does not (Main.literal); a file's
        // value comes out as written through either, dollars and all
        String model = "m-${env:NO_SUCH_VARIABLE}-$$-$-${DEFAULT-VALUE}";
        write(work, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"model\": \"" + model + "\"}");
        CommandLine whole = commandLine();
        CommandLine start = Main.commandLine(new RcLocations(home, work), new String[]{"serve"});
        assertThat(whole.isInterpolateVariables()).isTrue();
        assertThat(start.isInterpolateVariables()).isFalse();

        for (CommandLine cli : List.of(whole, start)) {
            CommandLine.ParseResult parsed = cli.parseArgs("serve");
            ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
            assertThat(serve.gateway.toConfig(0).model()).isEqualTo(model);
        }
    }

    @Test
    void commentsAndATrailingCommaAreAllowed() throws IOException {
        write(work, """
                {
                  // the local server
                  "baseUrl": "http://127.0.0.1:1/v1", /* its model */ "model": "m",
                }""");

        assertThat(config().model()).isEqualTo("m");
    }

    @Test
    void theModelsObjectSetsTheTierModelsAndTheDefault() throws IOException {
        write(work, """
                {"baseUrl": "http://127.0.0.1:1/v1",
                 "models": {"opus": "big", "sonnet": "mid", "haiku": "small", "default": "main"}}""");

        GatewayConfig config = config();

        assertThat(config.tiers()).isEqualTo(new TierModels("big", "mid", "small"));
        assertThat(config.model()).isEqualTo("main");
    }

    @Test
    void aTierFlagOverridesTheModelsObject() throws IOException {
        write(work, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"models\": {\"haiku\": \"small\"}}");

        assertThat(config("--haiku-model", "tiny").tiers().haiku()).isEqualTo("tiny");
    }

    @Test
    void theModelsObjectOfOneFileAndAFlatFieldOfAnotherLayerLikeAnyOtherField() throws IOException {
        write(home, "{\"baseUrl\": \"http://127.0.0.1:1/v1\", \"models\": {\"default\": \"home-main\", \"opus\": \"big\"}}");
        write(work, "{\"model\": \"project-main\"}");

        GatewayConfig config = config();

        assertThat(config.model()).isEqualTo("project-main");
        assertThat(config.tiers().opus()).isEqualTo("big");
    }

    @Test
    void descriptionAndTheLauncherFieldsAreAccepted() throws IOException {
        write(work, """
                {"description": "Qwen3-Coder on this laptop", "baseUrl": "http://127.0.0.1:1/v1",
                 "modelPath": "/models/qwen3-coder.gguf", "serverScript": "scripts/llama.sh"}""");

        assertThat(config().baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
    }

    // ---- errors: each names the file --------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "baseURL, baseUrl",
            "base-url, baseUrl",
            "base_url, baseUrl",
            "retrys, retries",
            "idleTimout, idleTimeout",
            "fallbacks, fallback",
            "haikuModle, haikuModel",
            "modelpath, modelPath",
            "descripton, description",
            "model_s, models"})
    void anUnknownFieldNamesTheFileAndTheClosestField(String field, String closest) throws IOException {
        Path file = write(work, "{\"" + field + "\": \"x\"}");

        assertThat(error()).isEqualTo(file + ": unknown field \"" + field + "\"; did you mean \"" + closest + "\"?");
    }

    @Test
    void anUnknownFieldFarFromAnyNameSaysHowFieldsAreNamed() throws IOException {
        Path file = write(home, "{\"circuitBreaker\": {}}");

        assertThat(error()).startsWith(file + ": unknown field \"circuitBreaker\"; every flag is a field, its long "
                + "name in camelCase (--base-url is \"baseUrl\")");
    }

    @Test
    void fieldsOfEarlierToolsGetAHint() throws IOException {
        write(work, "{\"backend\": \"lmstudio\"}");
        assertThat(error()).endsWith("unknown field \"backend\"; did you mean \"mode\"?");

        write(work, "{\"apiKey\": \"sk-...\"}");
        assertThat(error()).contains("unknown field \"apiKey\"; keys are never stored in the file",
                "name it with \"apiKeyEnv\"");
    }

    @Test
    void anUnknownKeyInModelsNamesTheClosestKey() throws IOException {
        Path file = write(work, "{\"models\": {\"sonet\": \"x\"}}");

        assertThat(error()).isEqualTo(file + ": unknown field \"models.sonet\"; did you mean \"models.sonnet\"? "
                + "(the keys are opus, sonnet, haiku, default)");
    }

    @Test
    void theSameSettingTwiceInOneFileIsAnError() throws IOException {
        Path file = write(work, "{\"model\": \"a\", \"models\": {\"default\": \"b\"}}");

        assertThat(error()).isEqualTo(file + ": \"model\" and \"models.default\" are the same setting; keep one");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "\"retries\": \"two\"                | field \"retries\" must be a whole number, got \"two\" (a string)",
            "\"retries\": 1.5                   | field \"retries\" must be a whole number, got 1.5 (a number)",
            "\"loopGuard\": \"yes\"              | field \"loopGuard\" must be true or false, got \"yes\" (a string)",
            "\"model\": 7                       | field \"model\" must be a string, got 7 (a number)",
            "\"model\": [\"a\"]                   | field \"model\" must be a string, got (an array)",
            "\"protocol\": \"grpc\"              | field \"protocol\" must be one of \"openai\", \"anthropic\", got \"grpc\" (a string)",
            "\"idleTimeout\": \"soon\"           | field \"idleTimeout\": 'soon' is not a duration (examples: 500ms, 10s, 3m, 1h; a bare number is seconds)",
            "\"idleTimeout\": true              | field \"idleTimeout\" must be a string, got true (a boolean)",
            "\"maxBodySize\": \"huge\"           | field \"maxBodySize\": 'huge' is not a size (examples: 512k, 32m)",
            "\"mode\": \"lmstudo\"               | field \"mode\": unknown mode 'lmstudo'; the modes are claude, openrouter, openai, lmstudio, ollama, llamacpp, vllm, mlx",
            "\"fallback\": [1]                  | field \"fallback\" must be a string, or an array of them, got 1 (a number)",
            "\"fallback\": {}                   | field \"fallback\" must be a string, or an array of them, got (an object)",
            "\"models\": \"big\"                 | field \"models\" must be an object such as {\"opus\": \"...\", \"sonnet\": \"...\", \"haiku\": \"...\", \"default\": \"...\"}, got \"big\" (a string)",
            "\"models\": {\"opus\": 1}            | field \"models.opus\" must be a string (an upstream model name), got 1 (a number)",
            "\"description\": 1                 | field \"description\" must be a string, got 1 (a number)",
            "\"modelPath\": false               | field \"modelPath\" must be a string, got false (a boolean)"})
    void aValueOfTheWrongTypeNamesTheFileTheFieldAndTheExpectedType(String field, String message) throws IOException {
        Path file = write(work, "{" + field + "}");

        assertThat(error()).isEqualTo(file + ": " + message);
    }

    @Test
    void invalidJsonNamesTheFileLineAndColumn() throws IOException {
        Path file = write(work, "{\n  \"mode\": \"ollama\"\n  \"model\": \"x\"\n}");

        assertThat(error()).startsWith(file + ": invalid JSON at line 3, column 3: ");
    }

    @Test
    void aFieldGivenTwiceIsAnError() throws IOException {
        Path file = write(work, "{\"model\": \"a\",\n \"model\": \"b\"}");

        assertThat(error()).startsWith(file + ": invalid JSON at line 2, column ").contains("Duplicate", "model");
    }

    @Test
    void aFileThatIsNotAnObjectIsAnError() throws IOException {
        Path file = write(work, "[\"mode\", \"ollama\"]");
        assertThat(error()).isEqualTo(file + ": the file must hold a JSON object ({...}), not an array");

        write(work, "  ");
        assertThat(error()).isEqualTo(file + ": empty file; it should hold a JSON object such as {\"mode\": \"lmstudio\"}");
    }

    @Test
    void anErrorInTheFileStopsTheCommandWithStatusTwo() throws IOException {
        Path file = write(home, "{\"retrys\": 3}");
        StringWriter err = new StringWriter();
        CommandLine cli = commandLine();
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("serve", "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).startsWith(file + ": unknown field \"retrys\"; did you mean \"retries\"?");
    }
}
