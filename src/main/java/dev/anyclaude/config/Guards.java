package dev.anyclaude.config;

/**
 * Limits on what a client may send and on what a model may produce.
 *
 * @param maxBodyBytes          request bodies above this get {@code 413 request_too_large}
 * @param loopGuard             whether degenerate output (a passage repeated back to back, the same tool
 *                              call over and over, output far beyond {@code max_tokens}) ends the turn
 * @param minRepeats            back-to-back repeats of one passage that count as a loop
 * @param minRepeatChars        ... and the repeated span must be at least this long
 * @param maxIdenticalToolCalls the same call with the same input this many times in one turn is a loop
 * @param outputCharsPerToken   output beyond {@code max_tokens} times this many characters is endless
 */
public record Guards(long maxBodyBytes, boolean loopGuard, int minRepeats, int minRepeatChars,
                     int maxIdenticalToolCalls, int outputCharsPerToken) {
    /** The Anthropic API's own request limit. */
    public static final long DEFAULT_MAX_BODY_BYTES = 32L * 1024 * 1024;
    public static final Guards DEFAULTS = new Guards(DEFAULT_MAX_BODY_BYTES, true, 10, 2000, 5, 8);

    public Guards {
        Settings.requireAtLeast(maxBodyBytes, 1024, "maxBodyBytes");
        Settings.requireAtLeast(minRepeats, 2, "loopMinRepeats");
        Settings.requireAtLeast(minRepeatChars, 1, "loopMinRepeatChars");
        Settings.requireAtLeast(maxIdenticalToolCalls, 2, "loopMaxIdenticalToolCalls");
        Settings.requireAtLeast(outputCharsPerToken, 1, "loopOutputCharsPerToken");
    }

    public Guards withMaxBodyBytes(long bytes) {
        return new Guards(bytes, loopGuard, minRepeats, minRepeatChars, maxIdenticalToolCalls, outputCharsPerToken);
    }

    public Guards withLoopGuard(boolean on) {
        return new Guards(maxBodyBytes, on, minRepeats, minRepeatChars, maxIdenticalToolCalls, outputCharsPerToken);
    }

    public Guards withLoopThresholds(int repeats, int repeatChars, int identicalToolCalls, int charsPerToken) {
        return new Guards(maxBodyBytes, loopGuard, repeats, repeatChars, identicalToolCalls, charsPerToken);
    }
}
