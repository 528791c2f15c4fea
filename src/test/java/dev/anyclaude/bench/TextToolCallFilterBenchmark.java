package dev.anyclaude.bench;

import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.Tool;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.ResponseAssembler;
import dev.anyclaude.stream.TextToolCallFilter;
import dev.anyclaude.toolcall.BlockHarness;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.ToolCallFormat;
import dev.anyclaude.toolcall.ToyFormats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the text tool-call filter costs per text delta, against the same deltas going straight to the
 * assembler. A response is {@value #DELTAS} deltas of 1–5 characters (as local servers stream tokens),
 * either prose and code without any marker, or dense with calls. Scores are nanoseconds per delta.
 * Run with {@code scripts/bench} (see docs/BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class TextToolCallFilterBenchmark {

    static final int DELTAS = 4000;

    private static final String PROSE = """
            Sure. The function below reads the configuration, and if a key is missing it falls back to the \
            default (see `Config.load`). In Java, a generic List<String> and a comparison a < b are plain text; \
            so are [brackets], {braces} and "quotes".
            ```java
            static int sum(List<Integer> xs) { int s = 0; for (int x : xs) { s += x; } return s; }
            ```
            Let me know if you want tests for it as well.
            """;

    private static final String TOOLS_TOY = """
            I'll look at the file first.
            <call>Read {"file_path": "/work/src/Main.java", "limit": 200}</call>
            <call>Bash {"command": "ls -la /work/src && git status", "timeout": 60000}</call>
            """;

    private static final String TOOLS_HERMES = """
            I'll look at the file first.
            <tool_call>
            {"name": "Read", "arguments": {"file_path": "/work/src/Main.java", "limit": 200}}
            </tool_call>
            <tool_call>
            {"name": "Bash", "arguments": {"command": "ls -la /work/src && git status", "timeout": 60000}}
            </tool_call>
            """;

    /** {@code off}: no filter (the baseline); else the format the filter runs. */
    @Param({"off", "auto", "toy", "hermes"})
    public String recovery;

    /** {@code plain}: no markers at all; {@code tools}: calls in the recovery's own syntax. */
    @Param({"plain", "tools"})
    public String stream;

    private List<ModelEvent> events;
    private ToolCallFormat format;
    private final List<Tool> tools = BlockHarness.CLAUDE_CODE_TOOLS;

    @Setup
    public void setUp() {
        format = switch (recovery) {
            case "off" -> null;
            case "toy" -> ToyFormats.TOY;
            default -> FormatRegistry.byName(recovery).orElseThrow(() ->
                    new IllegalStateException("no format " + recovery + " in this build"));
        };
        String text = switch (stream) {
            case "plain" -> PROSE;
            default -> recovery.equals("toy") ? TOOLS_TOY : TOOLS_HERMES;
        };
        events = deltas(text, new Random(20260101));
    }

    static List<ModelEvent> deltas(String unit, Random random) {
        List<ModelEvent> events = new ArrayList<>(DELTAS + 1);
        StringBuilder text = new StringBuilder();
        while (text.length() < DELTAS * 5) {
            text.append(unit);
        }
        int at = 0;
        for (int i = 0; i < DELTAS; i++) {
            int end = at + 1 + random.nextInt(5);
            events.add(new ModelEvent.TextDelta(text.substring(at, end)));
            at = end;
        }
        events.add(new ModelEvent.Finish(StopReason.END_TURN, null));
        return events;
    }

    @Benchmark
    @OperationsPerInvocation(DELTAS)
    public void response(Blackhole blackhole) {
        ResponseAssembler assembler = new ResponseAssembler(blackhole::consume, "msg_bench", "bench", 100);
        ModelEventSink sink = format == null ? assembler
                : new TextToolCallFilter(format, tools, () -> "toolu_bench", assembler);
        for (ModelEvent event : events) {
            sink.accept(event);
        }
    }

    /** For a quick look without JMH: the blocks one response makes. */
    public static void main(String[] args) {
        TextToolCallFilterBenchmark bench = new TextToolCallFilterBenchmark();
        bench.recovery = args.length > 0 ? args[0] : "toy";
        bench.stream = args.length > 1 ? args[1] : "tools";
        bench.setUp();
        int[] counts = new int[2];
        ResponseAssembler assembler = new ResponseAssembler(event -> {
            if (event instanceof StreamEvent.BlockStart start) {
                counts[start.block().path("type").asString().equals("tool_use") ? 1 : 0]++;
            }
        }, "msg", "bench", 1);
        ModelEventSink sink = bench.format == null ? assembler
                : new TextToolCallFilter(bench.format, bench.tools, () -> "toolu_bench", assembler);
        bench.events.forEach(sink::accept);
        System.out.println("blocks: " + counts[0] + " text/thinking, " + counts[1] + " tool_use");
    }
}
