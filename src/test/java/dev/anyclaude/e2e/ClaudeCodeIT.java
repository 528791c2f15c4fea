package dev.anyclaude.e2e;

import dev.anyclaude.api.Json;
import dev.anyclaude.testing.AnthropicSse;
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
 * The real Claude Code CLI ({@code claude -p}) through the gateway to fake upstreams that answer the first
 * turn with a {@code Write} tool call and the next one, which must carry the tool's result, with text. The
 * file must exist afterwards: the whole loop — request mapping, streaming back, tool execution, history
 * mapping on the next turn — works with the client it is built for.
 */
class ClaudeCodeIT {

    private static final String PROMPT = "Create the file hello.txt with a greeting";
    private static final String GREETING = "Hello from anyclaude!\nHave a good day.\n";
    private static final String FINAL_TEXT = "I created hello.txt with a greeting.";
    private static final String OPENAI_CALL_ID = "call_write_1";
    private static final String ANTHROPIC_TOOL_ID = "toolu_write_1";
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
        ClaudeCli.binary(); // fail first, and clearly, when the CLI is missing
    }

    @Test
    void claudeCodeWritesAFileThroughAnOpenAiUpstream() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(this::openAiTurn);
             FakeUpstream proxyTrap = FakeUpstream.start(ClaudeCodeIT::refuseEgress);
             GatewayProcess gateway = GatewayProcess.start(Files.createDirectories(tmp.resolve("gateway-home")),
                     "--base-url", upstream.baseUrl() + "/v1", "--protocol", "openai", "--model", "fake-coder")) {

            ClaudeCli.Run run = runClaude(gateway.port(), proxyTrap);

            List<RecordedRequest> turns = upstream.requests("/v1/chat/completions");
            String context = run.describe() + "\n--- gateway log ---\n" + gateway.log() + "\n--- upstream requests ---\n"
                    + turns + "\n--- proxy trap saw ---\n" + proxyTrap.requests();
            System.out.println(context);
            assertThat(run.exitCode()).as(context).isZero();
            assertThat(target).as(context).exists();
            assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(GREETING);
            assertThat(turns).as(context).hasSizeGreaterThanOrEqualTo(2);
            assertThat(openAiToolResult(turns.get(0))).as("first turn carries no tool result").isNull();
            JsonNode toolResult = openAiToolResult(turns.get(1));
            assertThat(toolResult).as("second turn carries the Write result: " + turns.get(1)).isNotNull();
            assertThat(toolResult.get("tool_call_id").asString()).isEqualTo(OPENAI_CALL_ID);
            assertThat(run.stdout()).contains(FINAL_TEXT);
            // the packaged gateway waits for sockets through system-thread pollers (Main.preferSystemThreadPollers)
            assertThat(threadNames(gateway.pid())).as("the gateway's threads").contains("Read-Poller")
                    .doesNotContain("MasterPoller");
        }
    }

    /** The names of a process's threads, as Linux keeps them (the first 15 characters). */
    private static java.util.Set<String> threadNames(long pid) throws java.io.IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (var tasks = Files.list(java.nio.file.Path.of("/proc", Long.toString(pid), "task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                try {
                    names.add(Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip());
                } catch (java.io.IOException ended) {
                    // a thread that ended while listed
                }
            }
        }
        return names;
    }

    @Test
    void claudeCodeWritesAFileThroughAnAnthropicUpstreamDecoded() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(this::anthropicTurn);
             FakeUpstream proxyTrap = FakeUpstream.start(ClaudeCodeIT::refuseEgress);
             GatewayProcess gateway = GatewayProcess.start(Files.createDirectories(tmp.resolve("gateway-home")),
                     "--base-url", upstream.baseUrl(), "--protocol", "anthropic", "--relay", "false")) {

            ClaudeCli.Run run = runClaude(gateway.port(), proxyTrap);

            assertAnthropicLoop(run, upstream, proxyTrap, "--- gateway log ---\n" + gateway.log());
        }
    }

    @Test
    void claudeCodeWritesAFileThroughAnAnthropicUpstreamRelayed() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(this::anthropicTurn);
             FakeUpstream proxyTrap = FakeUpstream.start(ClaudeCodeIT::refuseEgress);
             GatewayProcess gateway = GatewayProcess.start(Files.createDirectories(tmp.resolve("gateway-home")),
                     "--base-url", upstream.baseUrl(), "--protocol", "anthropic", "--relay", "true")) {

            ClaudeCli.Run run = runClaude(gateway.port(), proxyTrap);

            assertAnthropicLoop(run, upstream, proxyTrap, "--- gateway log ---\n" + gateway.log());
            for (RecordedRequest turn : upstream.requests("/v1/messages")) {
                assertThat(turn.header("x-api-key")).as("client key forwarded in relay").isEqualTo(ClaudeCli.DUMMY_KEY);
                assertThat(turn.header("anthropic-beta")).as("betas forwarded in relay").contains("claude-code-20250219");
                assertThat(turn.header("anthropic-version")).isNotBlank();
            }
        }
    }

    /**
     * The same loop with no gateway in between: proves the fake and the environment are faithful enough for
     * the real CLI, so a failure of the tests above points at the gateway.
     */
    @Test
    void claudeCodeCompletesTheLoopTalkingToTheFakeAnthropicUpstreamDirectly() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(this::anthropicTurn);
             FakeUpstream proxyTrap = FakeUpstream.start(ClaudeCodeIT::refuseEgress)) {

            ClaudeCli.Run run = runClaude(upstream.port(), proxyTrap);

            assertAnthropicLoop(run, upstream, proxyTrap, "(no gateway)");
        }
    }

    // --- the runs ------------------------------------------------------------------------------------

    private ClaudeCli.Run runClaude(int gatewayPort, FakeUpstream proxyTrap) throws Exception {
        return ClaudeCli.run(project, home, gatewayPort, proxyTrap.port(), CLAUDE_TIMEOUT,
                Map.of("CLAUDE_CODE_MAX_RETRIES", "1"), "-p", PROMPT, "--allowedTools", "Write");
    }

    private void assertAnthropicLoop(ClaudeCli.Run run, FakeUpstream upstream, FakeUpstream proxyTrap, String gatewayLog)
            throws Exception {
        List<RecordedRequest> turns = upstream.requests("/v1/messages");
        String context = run.describe() + "\n" + gatewayLog + "\n--- upstream requests ---\n" + turns
                + "\n--- proxy trap saw ---\n" + proxyTrap.requests();
        System.out.println(context);
        assertThat(run.exitCode()).as(context).isZero();
        assertThat(target).as(context).exists();
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(GREETING);
        assertThat(turns).as(context).hasSizeGreaterThanOrEqualTo(2);
        assertThat(anthropicToolResult(turns.get(0))).as("first turn carries no tool result").isNull();
        JsonNode toolResult = anthropicToolResult(turns.get(1));
        assertThat(toolResult).as("second turn carries the Write result: " + turns.get(1)).isNotNull();
        assertThat(toolResult.get("tool_use_id").asString()).isEqualTo(ANTHROPIC_TOOL_ID);
        assertThat(run.stdout()).contains(FINAL_TEXT);
    }

    // --- the fake upstreams --------------------------------------------------------------------------

    /** Any request for a host other than the gateway: no egress from tests. */
    private static Reply refuseEgress(RecordedRequest request) {
        return Reply.text(503, "no network in tests").withHeader("Connection", "close");
    }

    private String writeArguments() {
        ObjectNode arguments = Json.object();
        arguments.put("file_path", target.toString());
        arguments.put("content", GREETING);
        return Json.string(arguments);
    }

    /** The arguments in small pieces, as models stream them. */
    private String[] fragments(String json) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < json.length(); i += 9) {
            pieces.add(json.substring(i, Math.min(json.length(), i + 9)));
        }
        return pieces.toArray(String[]::new);
    }

    private Reply openAiTurn(RecordedRequest request) {
        if (!request.method().equals("POST") || !request.path().equals("/v1/chat/completions")) {
            return Reply.notFound(request);
        }
        OpenAiSse turn = OpenAiSse.chat("fake-coder").role();
        if (openAiToolResult(request) == null) {
            turn.text("I'll create the file.").toolCall(0, OPENAI_CALL_ID, "Write", fragments(writeArguments()))
                    .finish("tool_calls").usage(2000, 60, 0);
        } else {
            turn.text(FINAL_TEXT).finish("stop").usage(2100, 12, 1900);
        }
        turn.done();
        Reply reply = request.wantsStream() ? turn.reply() : Reply.json(200, turn.completion());
        return reply.withChunking(Chunking.random(request.sequence(), 17));
    }

    private Reply anthropicTurn(RecordedRequest request) {
        if (!request.method().equals("POST") || !request.path().equals("/v1/messages")) {
            return Reply.notFound(request);
        }
        AnthropicSse turn;
        if (anthropicToolResult(request) == null) {
            turn = AnthropicSse.message("msg_turn1", "claude-fake", 2000, 0).text("I'll create the file.")
                    .toolUse(ANTHROPIC_TOOL_ID, "Write", fragments(writeArguments())).end("tool_use", 60);
        } else {
            turn = AnthropicSse.message("msg_turn2", "claude-fake", 200, 1900).text(FINAL_TEXT).end("end_turn", 12);
        }
        return turn.replyFor(request).withChunking(Chunking.random(request.sequence(), 17));
    }

    /** The {@code role: tool} message of an OpenAI request, or null. */
    private static JsonNode openAiToolResult(RecordedRequest request) {
        return stream(request.json().path("messages"))
                .filter(m -> "tool".equals(m.path("role").asString(""))).findFirst().orElse(null);
    }

    /** The first {@code tool_result} block of an Anthropic request, or null. */
    private static JsonNode anthropicToolResult(RecordedRequest request) {
        return stream(request.json().path("messages"))
                .flatMap(m -> m.path("content").isArray() ? stream(m.path("content")) : java.util.stream.Stream.empty())
                .filter(b -> "tool_result".equals(b.path("type").asString(""))).findFirst().orElse(null);
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
