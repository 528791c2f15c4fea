package dev.anyclaude.cli;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.RcLocations;
import dev.anyclaude.server.GatewayServer;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code anyclaude serve} configured by {@code .anyclauderc.json} files, answering through a fake upstream. */
class ServeWithRcFileTest {

    @TempDir
    Path temp;
    private Path home;
    private Path work;
    private FakeUpstream upstream;
    private GatewayServer gateway;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(temp.resolve("home"));
        work = Files.createDirectories(temp.resolve("work"));
        upstream = FakeUpstream.start(ServeWithRcFileTest::openAi);
    }

    @AfterEach
    void stop() {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            upstream.close();
        }
    }

    private static Reply openAi(RecordedRequest request) {
        if (request.path().equals("/v1/chat/completions")) {
            String model = request.json().get("model").asString();
            return OpenAiSse.chat(model).role().text("Hi from ", model).finish("stop").usage(12, 3, 0).done().reply();
        }
        return Reply.notFound(request);
    }

    /** Parses {@code serve args} as {@link Main} would and starts the gateway it describes. */
    private GatewayServer serve(String... args) {
        CommandLine cli = Main.commandLine(new RcLocations(home, work));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        ServeCommand serve = (ServeCommand) cli.parseArgs(all).subcommand().commandSpec().userObject();
        gateway = serve.start(Map.of());
        return gateway;
    }

    /** Posts a streaming messages request for {@code model}; returns the model the upstream was asked for. */
    private String upstreamModelFor(String model) throws Exception {
        upstream.clearRequests();
        ObjectNode body = Json.object();
        body.put("model", model);
        body.put("max_tokens", 64);
        body.put("stream", true);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "hello");
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.post("/v1/messages?beta=true", Json.string(body),
                    "anthropic-version", "2023-06-01", "x-api-key", "sk-dummy");
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.stream().stopReason()).isEqualTo("end_turn");
        }
        assertThat(upstream.requests("/v1/chat/completions")).hasSize(1);
        return upstream.requests("/v1/chat/completions").getFirst().json().get("model").asString();
    }

    @Test
    void theRcFilesUpstreamAndModelMapAnswerClaudeCodesRequests() throws Exception {
        Files.writeString(home.resolve(".anyclauderc.json"), """
                {"description": "everything on the fake server",
                 "baseUrl": "%s/v1", "flavor": "vllm", "retries": 0,
                 "models": {"default": "qwen3-coder-30b", "haiku": "qwen3-4b"}}""".formatted(upstream.baseUrl()));
        Files.writeString(work.resolve(".anyclauderc.json"), """
                {"sonnetModel": "glm-4.6", "port": 0}""");

        serve();

        assertThat(upstreamModelFor("claude-opus-5-5")).isEqualTo("qwen3-coder-30b");
        assertThat(upstreamModelFor("claude-sonnet-5")).isEqualTo("glm-4.6");
        assertThat(upstreamModelFor("claude-haiku-4-5-20251001")).isEqualTo("qwen3-4b");
        assertThat(upstreamModelFor("claude-opus-4-6[1m]")).isEqualTo("qwen3-coder-30b");
        assertThat(upstreamModelFor("gpt-oss-120b")).isEqualTo("gpt-oss-120b");
    }

    @Test
    void flagsOverTheFileChooseTheModel() throws Exception {
        Files.writeString(work.resolve(".anyclauderc.json"), """
                {"baseUrl": "%s/v1", "model": "from-the-file", "retries": 0}""".formatted(upstream.baseUrl()));

        serve("--port", "0", "--model", "from-the-flag");

        assertThat(upstreamModelFor("claude-opus-5-5")).isEqualTo("from-the-flag");
    }

    @Test
    void anExplicitConfigFileStartsTheGateway() throws Exception {
        Path file = Files.writeString(temp.resolve("team.json"), """
                {"baseUrl": "%s", "model": "team-model", "port": 0, "retries": 0}""".formatted(upstream.baseUrl()));
        Files.writeString(work.resolve(".anyclauderc.json"), "{\"model\": \"ignored\"}");

        serve("--config", file.toString());

        assertThat(upstreamModelFor("claude-sonnet-5-5")).isEqualTo("team-model");
    }
}
