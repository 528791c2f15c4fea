package dev.anyclaude.api;

import java.security.SecureRandom;

/** Random ids in Anthropic's style: a prefix and 24 base62 characters (request, message and tool-use ids). */
public final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /**
     * {@code prefix} and 24 characters, each uniform over the 62: one draw of random bytes (a draw costs the
     * generator a lock and a mix of its state, so one per id rather than one per character), a byte kept when it
     * is below 248 = 4 × 62 and taken modulo 62.
     */
    public static String next(String prefix) {
        char[] chars = new char[24];
        byte[] random = new byte[32];
        int filled = 0;
        while (filled < chars.length) {
            RANDOM.nextBytes(random);
            for (int i = 0; i < random.length && filled < chars.length; i++) {
                int b = random[i] & 0xff;
                if (b < 4 * ALPHABET.length) {
                    chars[filled++] = ALPHABET[b % ALPHABET.length];
                }
            }
        }
        return prefix + new String(chars);
    }

    /** A {@code tool_use} id for a call the upstream gave none. */
    public static String toolUse() {
        return next("toolu_");
    }
}
