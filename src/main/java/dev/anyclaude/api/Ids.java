package dev.anyclaude.api;

import java.security.SecureRandom;

/** Random ids in Anthropic's style: a prefix and 24 base62 characters (request, message and tool-use ids). */
public final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next(String prefix) {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + new String(chars);
    }

    /** A {@code tool_use} id for a call the upstream gave none. */
    public static String toolUse() {
        return next("toolu_");
    }
}
