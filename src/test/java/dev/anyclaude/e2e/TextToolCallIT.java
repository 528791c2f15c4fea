package dev.anyclaude.e2e;

import dev.anyclaude.api.Json;
import dev.anyclaude.testing.ClaudeCli;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayProcess;
import dev.anyclaude.testing.OpenAiSse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Claude Code CLI through the gateway to an OpenAI-compatible upstream that has no tool parser:
 * the model's {@code Write} call arrives as Hermes text in {@code content}, in small pieces, under a model
 * name the gateway does not know, so the format is recognised from the call itself. The file must exist
 * afterwards, and the next turn must carry the tool's result.
 */
class TextToolCallIT {

    private static final String PROMPT = "Create the file hello.txt with a greeting";
    private static final String GREETING = "Hello from a text tool call!\n";
    private static final String FINAL_TEXT = "I created hello.txt.";
    private static final Duration CLAUDE_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path tmp;
    private Path project;
    private Path home;
    private Path target;

    @BeforeEach
    void directories() throws Exception {
        project = Files.createDirectories(tmp.resolve("project"));
        home = Files.createDirectories(tmp.resolve("home"));
        target = project.resolve("hello.txt");
        ClaudeCli.binary();
    }

    @Test
    void claudeCodeWritesAFileFromACallTheModelWroteAsText() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(this::turn);
             FakeUpstream proxyTrap = FakeUpstream.start(request ->
                     Reply.text(503, "no network in tests").withHeader("Connection", "close"));
             GatewayProcess gateway = GatewayProcess.start(Files.createDirectories(tmp.resolve("gateway-home")),
                     "--base-url", upstream.baseUrl() + "/v1", "--protocol", "openai", "--model", "local-model-x")) {

            ClaudeCli.Run run = ClaudeCli.run(project, home, gateway.port(), proxyTrap.port(), CLAUDE_TIMEOUT,
                    Map.of("CLAUDE_CODE_MAX_RETRIES", "1"), "-p", PROMPT, "--allowedTools", "Write");

            List<RecordedRequest> turns = upstream.requests("/v1/chat/completions");
            String context = run.describe() + "\n--- gateway log ---\n" + gateway.log() + "\n--- upstream requests ---\n"
                    + turns;
            System.out.println(context);
            assertThat(run.exitCode()).as(context).isZero();
            assertThat(target).as(context).exists();
            assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(GREETING);
            assertThat(turns).as(context).hasSizeGreaterThanOrEqualTo(2);
            JsonNode toolResult = toolResult(turns.get(1));
            assertThat(toolResult).as("second turn carries the Write result: " + turns.get(1)).isNotNull();
            assertThat(run.stdout()).contains(FINAL_TEXT).doesNotContain("<tool_call>");
        }
    }

    private Reply turn(RecordedRequest request) {
        if (!request.method().equals("POST") || !request.path().equals("/v1/chat/completions")) {
            return Reply.notFound(request);
        }
        OpenAiSse turn = OpenAiSse.chat("local-model-x").role();
        if (toolResult(request) == null) {
            ObjectNode call = Json.object();
            call.put("name", "Write");
            ObjectNode arguments = call.putObject("arguments");
            arguments.put("file_path", target.toString());
            arguments.put("content", GREETING);
            String raw = "<think>The user wants a file.</think>\n\nI'll create the file.\n<tool_call>\n"
                    + Json.string(call) + "\n</tool_call>";
            turn.text(pieces(raw)).finish("stop").usage(2000, 60, 0);
        } else {
            turn.text(FINAL_TEXT).finish("stop").usage(2100, 12, 1900);
        }
        turn.done();
        Reply reply = request.wantsStream() ? turn.reply() : Reply.json(200, turn.completion());
        return reply.withChunking(Chunking.random(request.sequence(), 17));
    }

    /** Text in pieces of 1–4 characters, as a local server streams tokens. */
    private static String[] pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int size = 1;
        for (int i = 0; i < text.length(); i += size) {
            size = 1 + (i * 7 % 4);
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces.toArray(String[]::new);
    }

    /** The {@code role: tool} message of a request, or null. */
    private static JsonNode toolResult(RecordedRequest request) {
        return StreamSupport.stream(request.json().path("messages").spliterator(), false)
                .filter(m -> "tool".equals(m.path("role").asString(""))).findFirst().orElse(null);
    }
}
