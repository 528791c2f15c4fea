package dev.anyclaude.bench;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.openai.ChatChunkDecoder;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.testing.OpenAiSse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's per-delta wire work on the way in and out, each step alone: reading the upstream's SSE
 * bytes into events ({@code SseParser}), decoding Chat Completions chunks into {@code ModelEvent}s
 * ({@code SseParser} + {@code ChatChunkDecoder}, as the OpenAI backend does), and encoding Anthropic
 * {@code content_block_delta} events to SSE bytes ({@code SseEncoder}). The upstream stream is
 * {@value #DELTAS} chunks of one text delta of 1–5 characters (a token or a few, as local servers send),
 * fed to the parser in reads of {@value #READ} bytes. Scores are nanoseconds per delta. Run with
 * {@code scripts/bench WireBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class WireBenchmark {

    static final int DELTAS = 4000;
    /** A typical socket read: a few chunks at a time, split anywhere. */
    static final int READ = 1024;

    private byte[] upstream;
    private List<StreamEvent> events;

    @Setup
    public void setUp() {
        Random random = new Random(20260101);
        String alphabet = "abcdefghijklmnopqrstuvwxyz    .,\n";
        OpenAiSse sse = OpenAiSse.chat("m").role();
        events = new ArrayList<>(DELTAS);
        for (int i = 0; i < DELTAS; i++) {
            StringBuilder piece = new StringBuilder();
            for (int n = 1 + random.nextInt(5); n > 0; n--) {
                piece.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            sse.text(piece.toString());
            ObjectNode delta = Json.object();
            delta.put("type", "text_delta");
            delta.put("text", piece.toString());
            events.add(new StreamEvent.BlockDelta(0, delta));
        }
        upstream = sse.finish("stop").usage(12000, DELTAS, 11000).done().bytes();
    }

    /** The SSE reader alone: bytes to (event, data) pairs. */
    @Benchmark
    @OperationsPerInvocation(DELTAS)
    public void sseRead(Blackhole blackhole) {
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String event, String data) {
                blackhole.consume(data);
            }
        });
        feed(parser);
    }

    /** The SSE reader and the chunk decoder: upstream bytes to {@code ModelEvent}s. */
    @Benchmark
    @OperationsPerInvocation(DELTAS)
    public void chunkDecode(Blackhole blackhole) {
        ChatChunkDecoder decoder = new ChatChunkDecoder((ModelEvent event) -> blackhole.consume(event), () -> "toolu_bench");
        SseParser parser = new SseParser(decoder);
        feed(parser);
        decoder.end();
    }

    /** Anthropic {@code content_block_delta} events to the SSE bytes the gateway writes. */
    @Benchmark
    @OperationsPerInvocation(DELTAS)
    public void eventEncode(Blackhole blackhole) {
        for (StreamEvent event : events) {
            blackhole.consume(SseEncoder.encode(event));
        }
    }

    private void feed(SseParser parser) {
        for (int at = 0; at < upstream.length; at += READ) {
            parser.feed(upstream, at, Math.min(READ, upstream.length - at));
        }
        parser.end();
    }
}
