package dev.anyclaude.bench;

import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.LoopGuard;
import dev.anyclaude.stream.LoopVectors;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.ResponseAssembler;
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
 * What the loop guard costs per text delta on output that is no loop. A response is {@value #DELTAS}
 * deltas of 1–5 characters (as local servers stream tokens) cut from prose, or from code and data that
 * repeat themselves (a Java bean, a JSON array, a test file), then {@code Finish}. Scores are nanoseconds
 * per delta. Run with {@code scripts/bench LoopGuardBenchmark -e TextToolCallFilterBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class LoopGuardBenchmark {

    static final int DELTAS = 4000;

    /**
     * {@code off}: straight into the assembler (the baseline); {@code on}: the guard, then the assembler;
     * {@code alone}: the guard into a blackhole, its own cost.
     */
    @Param({"off", "on", "alone"})
    public String guard;

    /** {@code prose}: sentences and paragraphs; {@code code}: code and data that repeat themselves. */
    @Param({"prose", "code"})
    public String stream;

    private List<ModelEvent> events;

    @Setup
    public void setUp() {
        String text = switch (stream) {
            case "prose" -> LoopVectors.prose(new Random(20260101), DELTAS * 5);
            default -> LoopVectors.javaBean() + LoopVectors.jsonArray() + LoopVectors.testFile();
        };
        events = deltas(text, new Random(20260101));
    }

    static List<ModelEvent> deltas(String text, Random random) {
        if (text.length() < DELTAS * 5) {
            throw new IllegalStateException("the text is too short for " + DELTAS + " deltas: " + text.length());
        }
        List<ModelEvent> events = new ArrayList<>(DELTAS + 1);
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
        ModelEventSink sink = switch (guard) {
            case "off" -> new ResponseAssembler(blackhole::consume, "msg_bench", "bench", 100);
            case "on" -> new LoopGuard(LoopGuard.Limits.DEFAULTS, 1_000_000L, () -> { },
                    new ResponseAssembler(blackhole::consume, "msg_bench", "bench", 100));
            default -> new LoopGuard(LoopGuard.Limits.DEFAULTS, 1_000_000L, () -> { }, blackhole::consume);
        };
        for (ModelEvent event : events) {
            sink.accept(event);
        }
        if (sink instanceof LoopGuard loopGuard && loopGuard.tripReason().isPresent()) {
            throw new IllegalStateException("the guard tripped on normal output: " + loopGuard.tripReason().get());
        }
    }
}
