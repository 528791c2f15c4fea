package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a format's parser over a raw model output split in many ways and checks that every split gives
 * the same pieces (invariant 2). Adjacent text and thinking pieces are merged before comparing: how
 * much text each piece carries may differ with the split, what it says may not.
 */
public final class ParserHarness {
    private static final long[] SEEDS = {1, 2, 3, 42, 1234};

    private ParserHarness() {
    }

    /** The pieces for {@code raw}, checked to be identical under every chunking of {@link #chunkings}. */
    public static List<Piece> parse(ToolCallFormat format, String raw) {
        List<Piece> expected = null;
        for (List<String> chunks : chunkings(raw, format.openers())) {
            List<Piece> pieces = run(format, chunks);
            if (expected == null) {
                expected = pieces;
            } else {
                assertThat(pieces).as("pieces for chunks %s", chunks).isEqualTo(expected);
            }
        }
        return expected;
    }

    /** One parser run over the given chunks, adjacent text/thinking merged. */
    public static List<Piece> run(ToolCallFormat format, List<String> chunks) {
        FormatParser parser = format.newParser();
        List<Piece> out = new ArrayList<>();
        for (String chunk : chunks) {
            parser.feed(chunk, out::add);
        }
        parser.finish(out::add);
        return merge(out);
    }

    /**
     * Whole; one code point at a time; random sizes 1..20 under several seeds; and everything after the
     * first opener in one chunk (several calls arriving at once), the text before it in small pieces.
     */
    public static List<List<String>> chunkings(String raw, List<String> openers) {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of(raw));
        List<String> codePoints = new ArrayList<>();
        raw.codePoints().forEach(cp -> codePoints.add(new String(Character.toChars(cp))));
        all.add(codePoints);
        for (long seed : SEEDS) {
            all.add(random(raw, new Random(seed), 20));
        }
        int first = -1;
        for (String opener : openers) {
            int at = raw.indexOf(opener);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first > 0) {
            List<String> chunks = new ArrayList<>(random(raw.substring(0, first), new Random(7), 3));
            chunks.add(raw.substring(first));
            all.add(chunks);
        }
        return all;
    }

    private static List<String> random(String raw, Random random, int max) {
        List<String> chunks = new ArrayList<>();
        int i = 0;
        while (i < raw.length()) {
            int end = Math.min(raw.length(), i + 1 + random.nextInt(max));
            if (end < raw.length() && Character.isHighSurrogate(raw.charAt(end - 1))) {
                end++;
            }
            chunks.add(raw.substring(i, end));
            i = end;
        }
        return chunks;
    }

    private static List<Piece> merge(List<Piece> pieces) {
        List<Piece> merged = new ArrayList<>();
        for (Piece piece : pieces) {
            Piece last = merged.isEmpty() ? null : merged.getLast();
            if (piece instanceof Piece.Text text && last instanceof Piece.Text previous) {
                merged.set(merged.size() - 1, new Piece.Text(previous.text() + text.text()));
            } else if (piece instanceof Piece.Thinking thinking && last instanceof Piece.Thinking previous) {
                merged.set(merged.size() - 1, new Piece.Thinking(previous.text() + thinking.text()));
            } else {
                merged.add(piece);
            }
        }
        return merged;
    }
}
