package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds where a bracketed value ({@code {…}}, {@code […]}, and in Python mode {@code (…)}) ends, ignoring
 * brackets inside strings. Formats without a closing marker (Mistral, {@code functools[…]}, bare JSON) end
 * where their JSON or Python value ends, and a closing marker written inside a string value must not end
 * a call early, so this is how their regions end.
 *
 * <p>Incremental: text arrives in chunks and a region grows at its end, so the scanner keeps its place
 * and its stack and resumes where it stopped, as long as it is asked about the same start in the same
 * (grown) text. Callers whose region changes call {@link #reset}. JSON mode knows double-quoted strings;
 * Python mode also single quotes, triple quotes and parentheses.
 */
final class BracketScanner {
    /** The brackets do not match ({@code {]}), or the value does not start with a bracket. */
    static final int MISMATCH = -2;
    /** Not closed yet. */
    static final int OPEN = -1;

    private final boolean python;
    private final StringBuilder closers = new StringBuilder();
    private int start = -1;
    private int pos;
    private char quote;
    private boolean triple;
    private boolean escaped;
    private int result = OPEN;

    BracketScanner(boolean python) {
        this.python = python;
    }

    /** A one-off scan. */
    static int endOf(CharSequence text, int start, boolean python) {
        return new BracketScanner(python).end(text, start);
    }

    void reset() {
        start = -1;
    }

    /**
     * The index just after the bracket that closes the one at {@code start}, {@link #OPEN} when the text
     * ends first, or {@link #MISMATCH}.
     */
    int end(CharSequence text, int start) {
        if (start != this.start || pos > text.length() || pos < start) {
            restart(start);
        }
        if (result != OPEN) {
            return result;
        }
        int length = text.length();
        if (pos == start) {
            if (start >= length) {
                return OPEN;
            }
            char first = text.charAt(start);
            if (closerOf(first) == 0) {
                return result = MISMATCH;
            }
        }
        while (pos < length) {
            char c = text.charAt(pos);
            if (quote != 0) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == quote) {
                    if (triple) {
                        if (pos + 2 >= length) {
                            return OPEN; // may be the closing triple quote: decide when it has arrived
                        }
                        if (text.charAt(pos + 1) == quote && text.charAt(pos + 2) == quote) {
                            pos += 2;
                            quote = 0;
                        }
                    } else {
                        quote = 0;
                    }
                }
                pos++;
                continue;
            }
            if (c == '"' || python && c == '\'') {
                if (python) {
                    if (pos + 2 >= length) {
                        return OPEN; // "" could be an empty string or the start of """
                    }
                    triple = text.charAt(pos + 1) == c && text.charAt(pos + 2) == c;
                    if (triple) {
                        pos += 2;
                    }
                }
                quote = c;
                pos++;
                continue;
            }
            char closer = closerOf(c);
            if (closer != 0) {
                closers.append(closer);
            } else if (c == '}' || c == ']' || python && c == ')') {
                int top = closers.length() - 1;
                if (top < 0 || closers.charAt(top) != c) {
                    return result = MISMATCH;
                }
                closers.setLength(top);
                if (top == 0) {
                    pos++;
                    return result = pos;
                }
            }
            pos++;
        }
        return OPEN;
    }

    private void restart(int at) {
        start = at;
        pos = at;
        closers.setLength(0);
        quote = 0;
        triple = false;
        escaped = false;
        result = OPEN;
    }

    private char closerOf(char c) {
        return switch (c) {
            case '{' -> '}';
            case '[' -> ']';
            case '(' -> python ? ')' : 0;
            default -> 0;
        };
    }

    /**
     * The spans {@code [start, end)} of the top-level elements of the array text {@code [a, b, …]}
     * (whitespace trimmed), or null when the text is not one bracketed array.
     */
    static List<int[]> elementSpans(String text, boolean python) {
        int open = 0;
        while (open < text.length() && Character.isWhitespace(text.charAt(open))) {
            open++;
        }
        if (open >= text.length() || text.charAt(open) != '[') {
            return null;
        }
        List<int[]> spans = new ArrayList<>();
        int i = open + 1;
        while (true) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                return null;
            }
            if (text.charAt(i) == ']') {
                return spans;
            }
            int elementStart = i;
            int elementEnd;
            char c = text.charAt(i);
            if (c == '{' || c == '[' || python && c == '(') {
                elementEnd = endOf(text, i, python);
                if (elementEnd < 0) {
                    return null;
                }
            } else {
                return null; // call arrays hold objects (or, in Python, calls, which the parser spans itself)
            }
            spans.add(new int[] {elementStart, elementEnd});
            i = elementEnd;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
    }
}
