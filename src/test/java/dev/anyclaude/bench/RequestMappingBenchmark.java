package dev.anyclaude.bench;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RepeatedStrings;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.openai.ChatRequestMapper;
import dev.anyclaude.openai.ClaudeCodeSessions;
import dev.anyclaude.openai.OpenAiFlavor;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the prefix-stable mapping costs per request: a real Claude Code request body (the last turn of a
 * replayed session, about 50 KB with 12–14 tools) parsed, mapped to a Chat Completions body and written
 * to bytes, as {@code OpenAiBackend} does before every upstream call. Scores are microseconds per
 * request. {@code parseAndMap} sends the same body each time, as the turns of a session repeat their tools, system
 * prompt and earlier messages (found among the values the gateway keeps); {@code parseUnseenAndMap} a body none of
 * whose values were seen before. Run with {@code scripts/bench RequestMappingBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class RequestMappingBenchmark {

    /** The replayed session whose last request is mapped. */
    @Param({"print-mode tools", "toolsearch", "interactive"})
    public String session;

    @Param({"llamacpp", "openai"})
    public String flavor;

    /** Writes the upstream body as {@code OpenAiBackend} does. */
    private static final RepeatedStrings WRITER = new RepeatedStrings();

    private byte[] body;
    /** Bodies whose tools, system prompt and messages no request sent before (more than the gateway keeps). */
    private byte[][] unseen;
    private int next;
    private MessagesRequest parsed;
    private ChatRequestMapper.Options options;

    @Setup
    public void setUp() {
        List<ClaudeCodeSessions.Session> all = ClaudeCodeSessions.all();
        ClaudeCodeSessions.Session chosen = all.stream().filter(s -> s.name().equals(session)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no session " + session));
        body = Json.bytes(chosen.turns().getLast());
        parsed = RequestParser.parseMessages(body);
        unseen = new byte[UNSEEN][];
        for (int i = 0; i < UNSEEN; i++) {
            ObjectNode copy = chosen.turns().getLast().deepCopy();
            String mark = " [" + i + "]";
            // marked near the start of each value, as different content usually differs early
            copy.withArray("tools").forEach(tool -> ((ObjectNode) tool).put("description",
                    mark + tool.path("description").asString("")));
            copy.set("messages", marked(copy.withArray("messages"), mark));
            if (copy.path("system").isArray()) {
                copy.set("system", marked(copy.withArray("system"), mark));
            }
            unseen[i] = Json.bytes(copy);
        }
        options = new ChatRequestMapper.Options(OpenAiFlavor.valueOf(flavor.toUpperCase(Locale.ROOT)),
                "upstream-model", null, "5f1c8a52-0000-4000-8000-000000000001");
    }

    /** Mapping and writing only: the part this gateway adds on top of reading the request. */
    @Benchmark
    public byte[] map() {
        return WRITER.bytes(ChatRequestMapper.map(parsed, options));
    }

    /** Parsing the client's bytes too: the whole per-request cost of the request side. */
    @Benchmark
    public byte[] parseAndMap() {
        return WRITER.bytes(ChatRequestMapper.map(RequestParser.parseMessages(body), options));
    }

    /**
     * As {@link #parseAndMap}, each time a body whose large values no earlier request sent: the first request of
     * a session (its tool list and system prompt are usually the same as another session's, so this is the worst
     * case), with the cost of keeping them for the next.
     */
    @Benchmark
    public byte[] parseUnseenAndMap() {
        byte[] fresh = unseen[next++ % UNSEEN];
        return WRITER.bytes(ChatRequestMapper.map(RequestParser.parseMessages(fresh), options));
    }

    /** The objects of {@code array}, each with an {@code id} field first. */
    private static ArrayNode marked(ArrayNode array, String mark) {
        ArrayNode out = Json.array();
        for (var element : array) {
            ObjectNode copy = out.addObject().put("id", mark);
            copy.setAll((ObjectNode) element);
        }
        return out;
    }

    /** Enough distinct bodies of about 50 KB to be more than the 16 MB of values the gateway keeps. */
    private static final int UNSEEN = 512;

    /** Quick check without JMH: the body sizes and a rough time per request. */
    public static void main(String[] args) {
        for (ClaudeCodeSessions.Session session : ClaudeCodeSessions.all()) {
            RequestMappingBenchmark bench = new RequestMappingBenchmark();
            bench.session = session.name();
            bench.flavor = "llamacpp";
            bench.setUp();
            int rounds = 2000;
            long start = 0;
            int size = 0;
            for (int i = 0; i <= rounds * 2; i++) {
                if (i == rounds) {
                    start = System.nanoTime();
                }
                size = bench.parseAndMap().length;
            }
            System.out.printf(Locale.ROOT, "%-18s client %6d B -> upstream %6d B: %.0f us per request%n",
                    session.name(), bench.body.length, size, (System.nanoTime() - start) / 1_000.0 / rounds);
        }
    }
}
