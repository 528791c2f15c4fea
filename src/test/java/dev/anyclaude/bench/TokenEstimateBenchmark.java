package dev.anyclaude.bench;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.backend.TokenEstimator;
import dev.anyclaude.openai.ClaudeCodeSessions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The local token estimate ({@code TokenEstimator}, a cl100k BPE count) that a streaming request computes
 * for {@code message_start} before the upstream is called, on Claude Code's first request (capture 01,
 * about 10k tokens) and on the last turn of the replayed print-mode session. The load benchmark showed it
 * as the largest part of the gateway's own time per request. Scores are milliseconds per request. Run with
 * {@code scripts/bench TokenEstimateBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class TokenEstimateBenchmark {

    private MessagesRequest first;
    private MessagesRequest last;
    private byte[] firstBytes;

    @Setup
    public void setUp() {
        var turns = ClaudeCodeSessions.all().getFirst().turns();
        first = RequestParser.parseMessages(Json.bytes(turns.getFirst()));
        last = RequestParser.parseMessages(Json.bytes(turns.getLast()));
        firstBytes = Json.bytes(turns.getFirst());
    }

    /** Parsing alone: the baseline for {@link #parsedAndEstimated}. */
    @Benchmark
    public MessagesRequest parsed() {
        return RequestParser.parseMessages(firstBytes);
    }

    /**
     * As a gateway sees a session's request: freshly parsed (new strings, their hashes not yet worked out), its
     * texts already counted by an earlier turn.
     */
    @Benchmark
    public long parsedAndEstimated() {
        return TokenEstimator.estimate(RequestParser.parseMessages(firstBytes));
    }

    @Benchmark
    public long firstRequest() {
        return TokenEstimator.estimate(first);
    }

    @Benchmark
    public long lastTurn() {
        return TokenEstimator.estimate(last);
    }
}
