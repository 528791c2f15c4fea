package dev.anyclaude.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * How long a fuzz test runs and from which seed, from system properties, plus the byte mutations the fuzz
 * tests share. Every case gets its own seed ({@code base + case number}), so a failure names the one seed
 * that reproduces it.
 *
 * <ul>
 *   <li>{@code -Danyclaude.fuzz.iterations=N}: cases per test (the default is small, for the normal suite);</li>
 *   <li>{@code -Danyclaude.fuzz.seconds=S}: run each test for S seconds instead, however many cases that is;</li>
 *   <li>{@code -Danyclaude.fuzz.seed=S}: the base seed (default fixed, or random when running longer).</li>
 * </ul>
 * For example {@code mvn -o test -Dtest='*FuzzTest' -Danyclaude.fuzz.seconds=600}; to replay one failing case,
 * {@code -Danyclaude.fuzz.seed=<its seed> -Danyclaude.fuzz.iterations=1}.
 */
public record Fuzz(long baseSeed, int iterations, Duration duration) {

    private static final long DEFAULT_SEED = 20260521L;

    public static Fuzz fromSystemProperties(int defaultIterations) {
        String iterations = System.getProperty("anyclaude.fuzz.iterations");
        String seconds = System.getProperty("anyclaude.fuzz.seconds");
        String seed = System.getProperty("anyclaude.fuzz.seed");
        boolean longer = iterations != null || seconds != null;
        long base = seed != null ? Long.parseLong(seed) : longer ? System.nanoTime() : DEFAULT_SEED;
        Fuzz fuzz = new Fuzz(base, iterations != null ? Integer.parseInt(iterations) : defaultIterations,
                seconds != null ? Duration.ofSeconds(Long.parseLong(seconds)) : null);
        if (longer) {
            System.out.println("fuzz: base seed " + base + ", " + (seconds != null ? seconds + " s" : iterations + " cases"));
        }
        return fuzz;
    }

    /** Runs {@code body} once per case with that case's seed; a failure names the seed that reproduces it. */
    public int run(Case body) {
        long start = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        int done = 0;
        for (long n = 0; duration != null ? System.nanoTime() < deadline : n < iterations; n++) {
            long seed = baseSeed + n;
            try {
                body.run(seed, new Random(seed));
            } catch (AssertionError | Exception e) {
                throw new AssertionError("fuzz case failed with seed " + seed + " (replay: -Danyclaude.fuzz.seed="
                        + seed + " -Danyclaude.fuzz.iterations=1): " + e.getMessage(), e);
            }
            done++;
        }
        System.out.println("fuzz: " + done + " cases in " + (System.nanoTime() - start) / 1_000_000 + " ms from base seed "
                + baseSeed);
        return done;
    }

    @FunctionalInterface
    public interface Case {
        void run(long seed, Random random) throws Exception;
    }

    // ---- byte mutations ---------------------------------------------------------------------------------

    /** Tokens worth splicing into JSON: structure, escapes, numbers and characters that break naive parsers. */
    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-", "0",
            "1e999", "-1", "2147483648", "1.5", "\\ud800", "\\u0000", "\\uDFFF\\uD800", "\u0000", "\r\n", "\n\n",
            "\uFFFD", "😀", "data: ", "[DONE]", "event: error\n", "\"type\":", "{\"a\":", "]]]]", "{{{{"};

    /** One to four random edits: byte flips, deleted or duplicated ranges, a cut, a spliced token. */
    public static byte[] mutateBytes(byte[] input, Random random) {
        byte[] bytes = input;
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(7)) {
                case 0 -> {
                    bytes = bytes.clone();
                    bytes[at] = (byte) random.nextInt(256);
                }
                case 1 -> {
                    bytes = bytes.clone();
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
                case 2 -> bytes = delete(bytes, at, 1 + random.nextInt(Math.min(64, bytes.length - at)));
                case 3 -> {
                    int length = 1 + random.nextInt(Math.min(64, bytes.length - at));
                    bytes = insert(bytes, random.nextInt(bytes.length + 1), slice(bytes, at, length));
                }
                case 4 -> bytes = slice(bytes, 0, at);
                default -> bytes = insert(bytes, at,
                        TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes;
    }

    public static byte[] slice(byte[] bytes, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(bytes, from, out, 0, length);
        return out;
    }

    public static byte[] delete(byte[] bytes, int from, int length) {
        byte[] out = new byte[bytes.length - length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(bytes, from + length, out, from, bytes.length - from - length);
        return out;
    }

    public static byte[] insert(byte[] bytes, int at, byte[] more) {
        byte[] out = new byte[bytes.length + more.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(more, 0, out, at, more.length);
        System.arraycopy(bytes, at, out, at + more.length, bytes.length - at);
        return out;
    }
}
