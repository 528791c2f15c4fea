package dev.anyclaude.toolcall;

import java.util.List;

/**
 * What a format makes of text that may begin a call where no closing marker will tell (a bare JSON
 * object at the start of a line, a pythonic list, what follows {@code <|python_tag|>}): it needs more
 * text, the first {@code length} characters are text, or they are calls or a malformed call.
 */
record Detection(Kind kind, int length, List<Piece.Call> calls, String reason) {

    enum Kind { MORE, TEXT, CALLS, MALFORMED }

    private static final Detection MORE = new Detection(Kind.MORE, 0, List.of(), null);

    static Detection more() {
        return MORE;
    }

    /** More text decides; at the end of the output, what there is was text. */
    static Detection moreOrText(CharSequence text, boolean atEnd) {
        return atEnd ? text(text.length()) : MORE;
    }

    /** More text decides; at the end of the output, what there is is a call cut off ({@code reason}). */
    static Detection moreOrMalformed(CharSequence text, boolean atEnd, String reason) {
        return atEnd ? malformed(text.length(), reason) : MORE;
    }

    static Detection text(int length) {
        return new Detection(Kind.TEXT, length, List.of(), null);
    }

    static Detection calls(int length, List<Piece.Call> calls) {
        return new Detection(Kind.CALLS, length, List.copyOf(calls), null);
    }

    static Detection malformed(int length, String reason) {
        return new Detection(Kind.MALFORMED, length, List.of(), reason);
    }
}
