package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.MessageBuilder;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.Tool;
import dev.anyclaude.api.Json;
import dev.anyclaude.openai.ChatChunkDecoder;
import dev.anyclaude.openai.ChatCompletionDecoder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.ResponseAssembler;
import dev.anyclaude.stream.StreamDecoder;
import dev.anyclaude.stream.TextToolCallFilter;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.RawHttp;
import dev.anyclaude.testing.Fuzz;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.Sse;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.ToolCallFormat;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated upstream byte streams through the real decoding pipeline, the one the gateway runs:
 * {@link SseBody} (reading in random pieces) → SSE parser → OpenAI chunk or Anthropic event decoder →
 * text tool-call recovery → {@link ResponseAssembler} → SSE encoding. Starting from valid streams (text,
 * reasoning, tool calls as fragments and as text in several model formats, usage, errors), lines are dropped,
 * duplicated, swapped and mangled, bytes flipped, streams cut anywhere. Every client stream that comes out
 * must be valid per the strict {@link dev.anyclaude.api.StreamValidator}, the non-streaming message built from
 * it must build or be an Anthropic error, and nothing may throw.
 *
 * <p>The normal suite runs {@value #CASES} cases per decoder (a few seconds), a sixtieth of that through
 * a gateway over HTTP. Run it longer with
 * {@code mvn -o test -Dtest=UpstreamStreamFuzzTest -Danyclaude.fuzz.seconds=600}; a failure prints the seed
 * that replays it; see {@link Fuzz}.
 */
class UpstreamStreamFuzzTest {

    static final int CASES = 3000;

    private static final List<Tool> TOOLS = RequestParser.parseMessages(("{\"model\":\"m\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"name\":\"get_weather\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}},{\"name\":\"Bash\",\"input_schema\":"
            + "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}}]}")
            .getBytes(StandardCharsets.UTF_8)).tools();

    private static final List<ToolCallFormat> FORMATS = List.of(FormatRegistry.none(), FormatRegistry.auto(),
            FormatRegistry.byName("hermes").orElseThrow(), FormatRegistry.byName("qwen3-coder").orElseThrow());

    private static final List<byte[]> OPENAI = List.of(
            OpenAiSse.chat("m").role().text("Hello", " there, ", "how are", " you?").finish("stop").usage(12, 5, 3).done()
                    .bytes(),
            OpenAiSse.chat("m").role().reasoning("Let me", " think.").text("The answer", " is 42.").finish("stop")
                    .usage(30, 12, 0).done().crlf().bytes(),
            OpenAiSse.chat("m").role().text("Checking.").toolCall(0, "call_a", "get_weather", "{\"ci", "ty\": \"Par",
                    "is\", \"days\": 3}").toolCall(1, "call_b", "Bash", "{\"command\":", " \"ls -la\"}")
                    .finish("tool_calls").usage(40, 20, 8).done().bytes(),
            OpenAiSse.chat("m").role().toolCallWhole(0, "call_w", "get_weather", "{\"city\":\"Oslo\"}")
                    .finish("tool_calls").done().bytes(),
            OpenAiSse.chat("m").role().text("I'll check.\n<tool_call>\n{\"name\": \"get_weather\", ",
                    "\"arguments\": {\"city\": \"Rome\"}}\n</tool_call>").finish("stop").usage(9, 9, 0).done().bytes(),
            OpenAiSse.chat("m").role().text("<tool_call>\n<function=Bash>\n<parameter=command>\n",
                    "echo hi\n</parameter>\n</function>\n</tool_call>").finish("stop").done().bytes(),
            OpenAiSse.chat("m").role().text("Part of an answer").error("Provider disconnected", "server_error").bytes(),
            OpenAiSse.chat("m").comment("OPENROUTER PROCESSING").role().text("cut off by the limit").finish("length")
                    .usage(5, 4096, 0).done().bytes());

    private static final List<byte[]> ANTHROPIC = List.of(
            AnthropicSse.message("claude-x").text("Hello", " there").end("end_turn", 3).bytes(),
            AnthropicSse.message("claude-x").thinking("sig-1", "Let me", " think").text("Done.")
                    .toolUse("toolu_1", "get_weather", "{\"city\":", " \"Paris\"}").end("tool_use", 20).bytes(),
            AnthropicSse.message("claude-x").ping().text("partial").error("overloaded_error", "Overloaded").bytes());

    /** Every case logs why its stream failed: thousands of WARN lines that say nothing here. */
    private static Level previousLevel;

    @BeforeAll
    static void quiet() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.anyclaude");
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ERROR);
    }

    @AfterAll
    static void loud() {
        ((Logger) LoggerFactory.getLogger("dev.anyclaude")).setLevel(previousLevel);
    }

    @Test
    void mutatedOpenAiStreamsAlwaysGiveAValidClientStream() {
        run(OPENAI, sink -> new ChatChunkDecoder(sink, ids()));
    }

    @Test
    void mutatedAnthropicStreamsAlwaysGiveAValidClientStream() {
        run(ANTHROPIC, sink -> new AnthropicEventDecoder(sink, 4096, "claude-x"));
    }

    /** Whole JSON completions (servers that ignore stream:true), mutated, through the completion decoder. */
    @Test
    void mutatedJsonCompletionsAlwaysGiveAValidClientStream() {
        List<byte[]> bases = List.of(
                Json.bytes(OpenAiSse.chat("m").role().reasoning("hm").text("Hello").finish("stop").usage(9, 2, 1)
                        .completion()),
                Json.bytes(OpenAiSse.chat("m").role().toolCall(0, "call_1", "get_weather", "{\"city\":\"Paris\"}")
                        .toolCall(1, "call_2", "Bash", "{\"command\":\"ls\"}").finish("tool_calls").usage(9, 2, 0)
                        .completion()),
                Json.bytes(OpenAiSse.chat("m").role().text("<tool_call>{\"name\": \"Bash\", \"arguments\": "
                        + "{\"command\": \"pwd\"}}</tool_call>").finish("stop").completion()));
        int cases = Fuzz.fromSystemProperties(CASES).run((seed, random) -> {
            byte[] body = mutate(bases.get(random.nextInt(bases.size())), random);
            ToolCallFormat format = FORMATS.get(random.nextInt(FORMATS.size()));
            check(body, format, sink -> {
                JsonNode json;
                try {
                    json = Json.parse(body);
                } catch (JacksonException notJson) {
                    return; // the backend answers that with its own failure; nothing to decode
                }
                ChatCompletionDecoder.decode(json, sink, ids());
            });
        });
        assertThat(cases).isPositive();
    }

    /**
     * The same mutated OpenAI streams from a fake upstream through a running gateway, over HTTP, split at
     * random: adds the HTTP client, the server and the choice between an HTTP error and a stream.
     */
    @Test
    void mutatedOpenAiStreamsThroughAGateway() throws Exception {
        AtomicReference<FakeUpstream.Reply> next = new AtomicReference<>();
        try (FakeUpstream upstream = FakeUpstream.start(request -> next.get());
             GatewayUnderTest gateway = GatewayUnderTest.start(
                     GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI).withModel("m"))) {
            int cases = Fuzz.fromSystemProperties(CASES / 60).run((seed, random) -> {
                byte[] bytes = mutate(OPENAI.get(random.nextInt(OPENAI.size())), random);
                next.set(FakeUpstream.Reply.sse(bytes).withChunking(FakeUpstream.Chunking.random(seed, 40)));
                boolean stream = random.nextBoolean();
                String body = "{\"model\":\"claude-x\",\"max_tokens\":64,\"stream\":" + stream + ",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"name\":\"get_weather\","
                        + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]}";
                RawHttp.Response response = gateway.http().post("/v1/messages", body); // validates a stream
                String context = "HTTP " + response.status() + ": " + response.text() + "\n--- upstream bytes:\n"
                        + new String(bytes, StandardCharsets.UTF_8);
                assertThat(response.text()).as(context).doesNotContain("Exception").doesNotContain("at dev.anyclaude");
                if (response.status() == 200) {
                    if (!response.isEventStream()) {
                        assertThat(Json.text(response.json(), "type")).as(context).isEqualTo("message");
                    }
                } else {
                    assertThat(response.status()).as(context).isGreaterThanOrEqualTo(400);
                    assertThat(Json.text(response.json(), "type")).as(context).isEqualTo("error");
                }
            });
            assertThat(cases).isPositive();
            assertThat(upstream.handlerErrors()).isEmpty();
        }
    }

    private static void run(List<byte[]> bases, Function<ModelEventSink, StreamDecoder> decoders) {
        int cases = Fuzz.fromSystemProperties(CASES).run((seed, random) -> {
            byte[] upstream = mutate(bases.get(random.nextInt(bases.size())), random);
            ToolCallFormat format = FORMATS.get(random.nextInt(FORMATS.size()));
            check(upstream, format, sink -> SseBody.pump(new Pieces(upstream, random), decoders.apply(sink), "fuzz",
                    CallControl.unwatched()));
        });
        assertThat(cases).isPositive();
    }

    /** Runs the upstream through the pipeline as MessagesHandler does, and judges the client's stream. */
    private static void check(byte[] upstream, ToolCallFormat format, Consumer<ModelEventSink> source) {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        MessageBuilder whole = new MessageBuilder();
        List<StreamEvent> events = new ArrayList<>();
        ResponseAssembler assembler = new ResponseAssembler(event -> {
            events.add(event);
            client.writeBytes(SseEncoder.encode(event));
            whole.accept(event);
        }, "msg_fuzz", "claude-x", 100);
        ModelEventSink head = format == FormatRegistry.none() ? assembler
                : new TextToolCallFilter(format, TOOLS, ids(), assembler);
        source.accept(head);
        if (!assembler.ended()) {
            assembler.fail(ApiError.apiError("upstream response ended without a result"));
        }

        String context = "upstream bytes:\n" + new String(upstream, StandardCharsets.UTF_8) + "\n--- format "
                + format.name();
        assertThat(events).as(context).isNotEmpty();
        Sse.Result result = Sse.check(client.toByteArray());
        assertThat(result.violations()).as(context + "\n--- client stream:\n" + result.transcript()).isEmpty();
        try {
            assertThat(whole.message().path("content").isArray()).as(context).isTrue();
        } catch (ApiException error) {
            assertThat(result.errored()).as(context).isTrue();
            assertThat(error.error().message()).as(context).isNotBlank().doesNotContain("Exception");
        }
    }

    private static java.util.function.Supplier<String> ids() {
        AtomicInteger next = new AtomicInteger();
        return () -> "toolu_fuzz_" + next.incrementAndGet();
    }

    // ---- mutations --------------------------------------------------------------------------------------

    private static final String[] GARBAGE_LINES = {"data: keep-alive", "data: {\"choices\":[{\"index\":0,\"delta\":",
            "data: {\"choices\":[{\"index\":99999999999999999999,\"delta\":{\"content\":\"x\"}}]}",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1e30,\"function\":{\"arguments\":\"{\"}}]}}]}",
            "data: {\"usage\":{\"prompt_tokens\":1e30,\"completion_tokens\":-5},\"choices\":[]}",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":7}]},\"finish_reason\":{}}]}",
            "data: {\"error\":{\"message\":\"maximum context length is 99999999999999999999999 tokens\",\"code\":[]}}",
            "data: [DONE]", "data: null", "data: \"str\"", "error: {\"code\":500,\"message\":\"boom\"}", ": comment",
            "event: content_block_delta", "data: {\"type\":\"content_block_delta\",\"index\":7,\"delta\":{\"type\":\"text_delta\",\"text\":\"z\"}}",
            "data: {\"type\":\"content_block_start\",\"index\":-1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"\",\"name\":\"\"}}",
            "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"weird\"},\"usage\":{\"output_tokens\":1e400}}",
            "data: {\"type\":\"message_stop\"}", "data: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\"}}",
            "retry: 10", "id: 5", "data:", ""};

    /** Line edits (drop, duplicate, swap, splice garbage) and byte edits, or both. */
    static byte[] mutate(byte[] base, Random random) {
        byte[] bytes = base;
        if (random.nextInt(3) != 0) {
            bytes = mutateLines(bytes, random);
        }
        if (random.nextInt(3) != 0) {
            bytes = Fuzz.mutateBytes(bytes, random);
        }
        if (random.nextInt(6) == 0 && bytes.length > 0) {
            bytes = Fuzz.slice(bytes, 0, random.nextInt(bytes.length));
        }
        return bytes;
    }

    private static byte[] mutateLines(byte[] bytes, Random random) {
        List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(5)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> {
                    int other = random.nextInt(lines.size());
                    String line = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
                case 3 -> lines.add(at, GARBAGE_LINES[random.nextInt(GARBAGE_LINES.length)]);
                default -> lines.set(at, replaceOneNumber(lines.get(at), random));
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    private static final String[] NUMBERS = {"99999999999999999999", "-1", "1e30", "1e999", "2147483648", "0.5", "-0"};

    /** One number of the line (a usage figure, an index, a date) becomes one that breaks naive code. */
    private static String replaceOneNumber(String line, Random random) {
        java.util.regex.Matcher digits = java.util.regex.Pattern.compile("\\d+").matcher(line);
        List<int[]> runs = new ArrayList<>();
        while (digits.find()) {
            runs.add(new int[]{digits.start(), digits.end()});
        }
        if (runs.isEmpty()) {
            return line;
        }
        int[] run = runs.get(random.nextInt(runs.size()));
        return line.substring(0, run[0]) + NUMBERS[random.nextInt(NUMBERS.length)] + line.substring(run[1]);
    }

    /** Hands the bytes out in random pieces, as a network would. */
    private static final class Pieces extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int at;

        Pieces(byte[] bytes, Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, bytes.length - at), 1 + random.nextInt(random.nextBoolean() ? 8 : 512));
            System.arraycopy(bytes, at, buffer, offset, n);
            at += n;
            return n;
        }
    }
}
