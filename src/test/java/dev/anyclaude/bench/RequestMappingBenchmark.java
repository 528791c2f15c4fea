package dev.anyclaude.bench;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.openai.ChatRequestMapper;
import dev.anyclaude.openai.ClaudeCodeSessions;
import dev.anyclaude.openai.OpenAiFlavor;
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
 * request. Run with {@code scripts/bench RequestMappingBenchmark}.
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

    private byte[] body;
    private MessagesRequest parsed;
    private ChatRequestMapper.Options options;

    @Setup
    public void setUp() {
        List<ClaudeCodeSessions.Session> all = ClaudeCodeSessions.all();
        ClaudeCodeSessions.Session chosen = all.stream().filter(s -> s.name().equals(session)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no session " + session));
        body = Json.bytes(chosen.turns().getLast());
        parsed = RequestParser.parseMessages(body);
        options = new ChatRequestMapper.Options(OpenAiFlavor.valueOf(flavor.toUpperCase(Locale.ROOT)),
                "upstream-model", null, "5f1c8a52-0000-4000-8000-000000000001");
    }

    /** Mapping and writing only: the part this gateway adds on top of reading the request. */
    @Benchmark
    public byte[] map() {
        return Json.bytes(ChatRequestMapper.map(parsed, options));
    }

    /** Parsing the client's bytes too: the whole per-request cost of the request side. */
    @Benchmark
    public byte[] parseAndMap() {
        return Json.bytes(ChatRequestMapper.map(RequestParser.parseMessages(body), options));
    }

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
