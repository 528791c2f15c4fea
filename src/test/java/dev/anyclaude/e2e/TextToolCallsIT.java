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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
import java.util.function.BiFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure anyclaude exists to fix: a local server hands back the model's tool call as raw text in
 * the model's own format. The real Claude Code CLI, through the packaged gateway, in front of a fake
 * OpenAI-compatible upstream that leaks a {@code Write} call as text in each family's syntax (split at
 * random into small chunks, markers included): the file must be written and the next turn must carry
 * the tool result. Each family runs twice: with the format chosen by the upstream model's name, and
 * with {@code auto} sniffing it from the text.
 */
class TextToolCallsIT {

    private static final String PROMPT = "Create the file hello.txt with a greeting";
    private static final String GREETING = "Hello from anyclaude!\nHave a \"good\" day: {ok}.\n";
    private static final String FINAL_TEXT = "I created hello.txt with a greeting.";
    private static final Duration CLAUDE_TIMEOUT = Duration.ofMinutes(4);
    private static final String FW = "\uFF5C";
    private static final String SP = "\u2581";

    @TempDir
    Path tmp;
    private Path project;
    private Path home;
    private Path target;

    /** One family: the model name that selects it, and how it writes {@code Write(file_path, content)}. */
    record Family(String name, String model, BiFunction<String, String, String> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> families() {
        List<Family> families = List.of(
                new Family("hermes", "Qwen3-8B", (path, content) -> "<think>\nI should write the file.\n</think>\n\n"
                        + "I'll create it.\n<tool_call>\n{\"name\": \"Write\", \"arguments\": " + json(path, content)
                        + "}\n</tool_call>"),
                new Family("qwen3-coder", "Qwen3-Coder-30B-A3B-Instruct", (path, content) -> "I'll create it.\n\n"
                        + "<tool_call>\n<function=Write>\n<parameter=file_path>\n" + path + "\n</parameter>\n"
                        + "<parameter=content>\n" + content + "\n</parameter>\n</function>\n</tool_call>"),
                new Family("harmony", "gpt-oss-20b", (path, content) -> "<|channel|>analysis<|message|>Need to write "
                        + "the file.<|end|><|start|>assistant<|channel|>commentary to=functions.Write "
                        + "<|constrain|>json<|message|>" + json(path, content) + "<|call|>"),
                new Family("harmony-degraded", "gpt-oss-120b", (path, content) -> "analysisNeed to write the file."
                        + "assistantcommentary to=functions.Write json" + json(path, content)),
                new Family("glm45", "GLM-4.5-Air", (path, content) -> "<think>Write it.</think>\n<tool_call>Write\n"
                        + "<arg_key>file_path</arg_key>\n<arg_value>" + path + "</arg_value>\n<arg_key>content</arg_key>\n"
                        + "<arg_value>" + content + "</arg_value>\n</tool_call>"),
                new Family("kimi-k2", "Kimi-K2-Instruct-0905", (path, content) -> "I'll create it."
                        + "<|tool_calls_section_begin|><|tool_call_begin|>functions.Write:0<|tool_call_argument_begin|>"
                        + json(path, content) + "<|tool_call_end|><|tool_calls_section_end|>"),
                new Family("deepseek-v31", "DeepSeek-V3.1", (path, content) -> "I'll create it.<" + FW + "tool" + SP
                        + "calls" + SP + "begin" + FW + "><" + FW + "tool" + SP + "call" + SP + "begin" + FW + ">Write<"
                        + FW + "tool" + SP + "sep" + FW + ">" + json(path, content) + "<" + FW + "tool" + SP + "call" + SP
                        + "end" + FW + "><" + FW + "tool" + SP + "calls" + SP + "end" + FW + ">"),
                new Family("minimax-m2", "MiniMax-M2", (path, content) -> "The user wants a file.</think>\n\n"
                        + "<minimax:tool_call>\n<invoke name=\"Write\">\n<parameter name=\"file_path\">" + path
                        + "</parameter>\n<parameter name=\"content\">" + content + "</parameter>\n</invoke>\n"
                        + "</minimax:tool_call>"),
                new Family("mistral", "Devstral-Small-2507", (path, content) -> "[TOOL_CALLS]Write[ARGS]"
                        + json(path, content)));
        List<Arguments> runs = new ArrayList<>();
        for (Family family : families) {
            runs.add(Arguments.of(family, "by-model"));
            runs.add(Arguments.of(family, "auto"));
        }
        return runs.stream();
    }

    @BeforeEach
    void directories() throws Exception {
        project = Files.createDirectories(tmp.resolve("project"));
        home = Files.createDirectories(tmp.resolve("home"));
        target = project.resolve("hello.txt");
        ClaudeCli.binary();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("families")
    void claudeCodeWritesTheFileWhenTheUpstreamLeaksTheCallAsText(Family family, String selection) throws Exception {
        // In auto mode the model name gives no hint, so the format must be sniffed from the text.
        String model = selection.equals("auto") ? "local-model" : family.model();
        try (FakeUpstream upstream = FakeUpstream.start(request -> turn(request, family, model));
             FakeUpstream proxyTrap = FakeUpstream.start(r -> Reply.text(503, "no network in tests"));
             GatewayProcess gateway = GatewayProcess.start(Files.createDirectories(tmp.resolve("gateway-home")),
                     "--base-url", upstream.baseUrl() + "/v1", "--protocol", "openai", "--model", model,
                     "--tool-format", "auto")) {

            ClaudeCli.Run run = ClaudeCli.run(project, home, gateway.port(), proxyTrap.port(), CLAUDE_TIMEOUT,
                    Map.of("CLAUDE_CODE_MAX_RETRIES", "1"), "-p", PROMPT, "--allowedTools", "Write");

            List<RecordedRequest> turns = upstream.requests("/v1/chat/completions");
            String context = run.describe() + "\n--- gateway log ---\n" + gateway.log()
                    + "\n--- upstream requests ---\n" + turns;
            assertThat(run.exitCode()).as(context).isZero();
            assertThat(target).as(context).exists();
            assertThat(Files.readString(target, StandardCharsets.UTF_8)).as(context).isEqualTo(GREETING);
            assertThat(turns).as(context).hasSizeGreaterThanOrEqualTo(2);
            assertThat(toolResult(turns.get(1))).as("second turn carries the Write result: " + turns.get(1))
                    .isNotNull();
            assertThat(run.stdout()).as(context).contains(FINAL_TEXT);
        }
    }

    private Reply turn(RecordedRequest request, Family family, String model) {
        if (!request.method().equals("POST") || !request.path().equals("/v1/chat/completions")) {
            return Reply.notFound(request);
        }
        OpenAiSse turn = OpenAiSse.chat(model).role();
        if (toolResult(request) == null) {
            // The whole call as content text, in small pieces: a server without a tool parser.
            turn.text(pieces(family.call().apply(target.toString(), GREETING))).finish("stop").usage(2000, 80, 0);
        } else {
            turn.text(FINAL_TEXT).finish("stop").usage(2100, 12, 1900);
        }
        turn.done();
        return turn.reply().withChunking(Chunking.random(request.sequence(), 23));
    }

    private static String json(String path, String content) {
        ObjectNode arguments = Json.object();
        arguments.put("file_path", path);
        arguments.put("content", content);
        return Json.string(arguments);
    }

    private static String[] pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        int size = 1;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + size);
            if (Character.isHighSurrogate(text.charAt(end - 1)) && end < text.length()) {
                end++;
            }
            pieces.add(text.substring(i, end));
            i = end;
            size = size % 7 + 1;
        }
        return pieces.toArray(String[]::new);
    }

    private static JsonNode toolResult(RecordedRequest request) {
        return StreamSupport.stream(request.json().path("messages").spliterator(), false)
                .filter(m -> "tool".equals(m.path("role").asString(""))).findFirst().orElse(null);
    }
}
