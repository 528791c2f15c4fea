package dev.anyclaude.openai;

import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StreamValidator;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ResponseAssembler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the decoders the way a backend does and checks what every flow must satisfy. */
final class DecoderHarness {

    static final int RANDOM_SPLITS = 24;

    private DecoderHarness() {
    }

    /** Deterministic tool-use ids: toolu_test_1, toolu_test_2, ... (fresh per decode). */
    static Supplier<String> ids() {
        AtomicInteger next = new AtomicInteger();
        return () -> "toolu_test_" + next.incrementAndGet();
    }

    /**
     * Decodes an upstream SSE transcript fed whole, one byte at a time and in seeded random splits;
     * asserts that every way gives the same events, that the flow is well formed and that it
     * assembles into a valid Anthropic stream. Returns the events.
     */
    static List<ModelEvent> decodeStream(String transcript) {
        byte[] bytes = transcript.getBytes(StandardCharsets.UTF_8);
        List<ModelEvent> whole = feed(bytes, List.of());
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i < bytes.length; i++) {
            everyByte.add(i);
        }
        assertThat(feed(bytes, everyByte)).as("one byte at a time").isEqualTo(whole);
        for (int seed = 1; seed <= RANDOM_SPLITS; seed++) {
            assertThat(feed(bytes, randomCuts(bytes.length, seed))).as("random split, seed %d", seed).isEqualTo(whole);
        }
        assertWellFormed(whole);
        return whole;
    }

    /** Feeds the bytes cut at the given offsets, then ends the parser and the decoder. */
    static List<ModelEvent> feed(byte[] bytes, List<Integer> cuts) {
        List<ModelEvent> events = new ArrayList<>();
        ChatChunkDecoder decoder = new ChatChunkDecoder(events::add, ids());
        SseParser parser = new SseParser(decoder);
        int from = 0;
        for (int cut : cuts) {
            parser.feed(bytes, from, cut - from);
            from = cut;
        }
        parser.feed(bytes, from, bytes.length - from);
        parser.end();
        decoder.end();
        return events;
    }

    private static List<Integer> randomCuts(int length, long seed) {
        Random random = new Random(seed);
        // Vary the piece size per seed: tiny pieces split lines and characters, big ones whole events.
        int maxPiece = switch ((int) (seed % 4)) {
            case 0 -> 3;
            case 1 -> 17;
            case 2 -> 64;
            default -> Math.max(1, length / 2);
        };
        List<Integer> cuts = new ArrayList<>();
        int at = 0;
        while (true) {
            at += 1 + random.nextInt(maxPiece);
            if (at >= length) {
                return cuts;
            }
            cuts.add(at);
        }
    }

    /** Exactly one Finish or Failure, last; then the flow must assemble into a valid Anthropic stream. */
    static void assertWellFormed(List<ModelEvent> events) {
        assertThat(events).as("events").isNotEmpty();
        long terminals = events.stream()
                .filter(e -> e instanceof ModelEvent.Finish || e instanceof ModelEvent.Failure)
                .count();
        assertThat(terminals).as("Finish/Failure count in %s", events).isEqualTo(1);
        assertThat(events.getLast()).as("last event").isInstanceOfAny(ModelEvent.Finish.class, ModelEvent.Failure.class);
        assertThat(anthropicViolations(events)).as("Anthropic stream violations").isEmpty();
    }

    /** Assembles the events, encodes them as SSE, parses that back and validates it. */
    static List<String> anthropicViolations(List<ModelEvent> events) {
        StreamValidator validator = new StreamValidator();
        SseParser parser = new SseParser(validator::accept);
        ResponseAssembler assembler = new ResponseAssembler(event -> parser.feed(SseEncoder.encode(event)),
                "msg_test", "claude-test", 100);
        events.forEach(assembler::accept);
        parser.end();
        return validator.finish();
    }

    // Expected events, kept short so the tests read like the upstream transcripts.

    static ModelEvent text(String text) {
        return new ModelEvent.TextDelta(text);
    }

    static ModelEvent thinking(String text) {
        return new ModelEvent.ThinkingDelta(text);
    }

    static ModelEvent call(String id, String name, String inputJson) {
        return new ModelEvent.ToolCall(id, name, inputJson);
    }

    static ModelEvent usage(long input, long output, long cacheRead, long cacheWrite) {
        return new ModelEvent.Usage(input, output, cacheRead, cacheWrite);
    }

    static ModelEvent finish(dev.anyclaude.api.StopReason reason) {
        return new ModelEvent.Finish(reason, null);
    }
}
