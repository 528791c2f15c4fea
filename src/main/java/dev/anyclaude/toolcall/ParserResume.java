package dev.anyclaude.toolcall;

/**
 * Puts a fresh parser in the state an output already under way is in, by writing the reasoning marker
 * the model itself would have written. A family that starts its output inside reasoning (the template
 * opened it) would otherwise take text that follows a call, or a call found by sniffing, for reasoning.
 * What the parser makes of the marker is dropped; a family that knows no {@code <think>} just sees text.
 */
public final class ParserResume {
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private ParserResume() {
    }

    /** The parser continues in visible text (not inside reasoning). */
    public static FormatParser inText(FormatParser parser) {
        parser.feed(CLOSE, piece -> {
        });
        return parser;
    }

    /** The parser continues inside {@code <think>} reasoning. */
    public static FormatParser inReasoning(FormatParser parser) {
        parser.feed(OPEN, piece -> {
        });
        return parser;
    }
}
