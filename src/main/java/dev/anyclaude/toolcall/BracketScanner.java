package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;

/**
 * The one scanner for bracketed values in streamed text: it walks {@code {…}} and {@code […]} (and in Python
 * mode {@code (…)}), skipping strings, so a bracket or a closing marker written inside a string value never
 * ends a call early. Formats without a closing marker (Mistral, {@code functools[…]}, bare JSON) end where
 * their value ends; formats with one (Hermes, the marker arrays, Harmony, DeepSeek, Kimi, Gemma) look for it
 * only outside strings.
 *
 * <p>Modes: which strings it knows ({@link Quotes}, or a quote token such as Gemma's {@code <|"|>} with no
 * escapes inside), and whether closers must match their openers ({@code {]} is a {@link #MISMATCH}) or only
 * counted. It is incremental: text arrives in chunks and a region grows at its end, so it keeps its place,
 * its nesting and its string state and resumes where it stopped; where it cannot decide yet (a quote that may
 * become a triple quote, a cut-off quote token) it waits for more text.
 *
 * <p>Callers either ask {@link #end} where the value at a position ends, or drive {@link #step} themselves
 * and look at the text between steps (markers, what follows a value at the top level).
 */
final class BracketScanner {
    /** The brackets do not match ({@code {]}), or the value does not start with a bracket. */
    static final int MISMATCH = -2;
    /** Not closed yet. */
    static final int OPEN = -1;

    /** The strings a scanner knows. */
    enum Quotes {
        /** Double quotes with backslash escapes. */
        JSON,
        /** Double and single quotes with backslash escapes (JSON as models write it, Python dict reprs). */
        LENIENT,
        /** Double, single and triple quotes with backslash escapes; parentheses are brackets too. */
        PYTHON
    }

    /** What one {@link #step} went over. */
    enum Step {
        /** A string's quote or a character inside a string. */
        STRING,
        /** An opening bracket. */
        OPEN,
        /** A closing bracket; {@link #depth} tells whether the outermost value is closed. */
        CLOSE,
        /** A closing bracket that does not match (strict scanners only); the position stays on it. */
        MISMATCH,
        /** Anything else, outside strings. */
        OTHER,
        /** The text ends where more of it decides what this is; the position stays. */
        MORE
    }

    private final Quotes quotes;
    private final String quoteToken;
    private final boolean strict;

    private final StringBuilder closers = new StringBuilder();
    private int depth;
    private int pos;
    private char quote;
    private boolean triple;
    private boolean escaped;
    private boolean inToken;

    // what end() was last asked
    private int start = -1;
    private int result = OPEN;

    /** A strict scanner: JSON strings, or in Python mode Python strings and parentheses. */
    BracketScanner(boolean python) {
        this(python ? Quotes.PYTHON : Quotes.JSON, null, true);
    }

    private BracketScanner(Quotes quotes, String quoteToken, boolean strict) {
        this.quotes = quotes;
        this.quoteToken = quoteToken;
        this.strict = strict;
    }

    /** A scanner that counts brackets without matching them, knowing {@code quotes}. */
    static BracketScanner counting(Quotes quotes) {
        return new BracketScanner(quotes, null, false);
    }

    /** A scanner that counts brackets, whose strings are between two {@code token}s with no escapes. */
    static BracketScanner quotedBy(String token) {
        return new BracketScanner(null, token, false);
    }

    /** A one-off scan. */
    static int endOf(CharSequence text, int start, boolean python) {
        return new BracketScanner(python).end(text, start);
    }

    /**
     * Where the object or array starting at {@code start} ends (just after its last bracket), brackets only
     * counted, JSON strings skipped; -1 when it is not closed within {@code text}.
     */
    static int valueEnd(CharSequence text, int start) {
        BracketScanner scanner = counting(Quotes.JSON);
        scanner.restart(start);
        while (scanner.pos < text.length()) {
            if (scanner.step(text) == Step.CLOSE && scanner.depth <= 0) {
                return scanner.pos;
            }
        }
        return -1;
    }

    void reset() {
        start = -1;
    }

    /** Forgets everything and goes on from {@code at}. */
    void restart(int at) {
        pos = at;
        closers.setLength(0);
        depth = 0;
        quote = 0;
        triple = false;
        escaped = false;
        inToken = false;
        result = OPEN;
    }

    /** Where the next {@link #step} reads. */
    int pos() {
        return pos;
    }

    /** Goes on at {@code at} (the caller went over text that is neither string nor bracket). */
    void moveTo(int at) {
        pos = at;
    }

    /** How many brackets are open (for a counting scanner, opened minus closed). */
    int depth() {
        return depth;
    }

    boolean inString() {
        return quote != 0 || inToken;
    }

    /**
     * The index just after the bracket that closes the one at {@code start}, {@link #OPEN} when the text
     * ends first, or {@link #MISMATCH}. Resumes where the last call stopped when asked about the same start
     * in the same (grown) text.
     */
    int end(CharSequence text, int start) {
        if (start != this.start || pos > text.length() || pos < start) {
            this.start = start;
            restart(start);
        }
        if (result != OPEN) {
            return result;
        }
        if (pos == start) {
            if (start >= text.length()) {
                return OPEN;
            }
            if (closerOf(text.charAt(start)) == 0) {
                return result = MISMATCH;
            }
        }
        while (pos < text.length()) {
            switch (step(text)) {
                case MORE -> {
                    return OPEN;
                }
                case MISMATCH -> {
                    return result = MISMATCH;
                }
                case CLOSE -> {
                    if (depth == 0) {
                        return result = pos;
                    }
                }
                default -> {
                }
            }
        }
        return OPEN;
    }

    /** Goes over the character (or quote) at {@link #pos}; the text must go on there. */
    Step step(CharSequence text) {
        int length = text.length();
        char c = text.charAt(pos);
        if (quoteToken != null) {
            if (Scanning.at(text, pos, quoteToken)) {
                inToken = !inToken;
                pos += quoteToken.length();
                return Step.STRING;
            }
            if (Scanning.partial(text, pos, quoteToken)) {
                return Step.MORE;
            }
            if (inToken) {
                pos++;
                return Step.STRING;
            }
        } else if (quote != 0) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == quote) {
                if (triple) {
                    if (pos + 2 >= length) {
                        return Step.MORE; // may be the closing triple quote: decide when it has arrived
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
            return Step.STRING;
        } else if (c == '"' || c == '\'' && quotes != Quotes.JSON) {
            if (quotes == Quotes.PYTHON) {
                if (pos + 2 >= length) {
                    return Step.MORE; // "" could be an empty string or the start of """
                }
                triple = text.charAt(pos + 1) == c && text.charAt(pos + 2) == c;
                if (triple) {
                    pos += 2;
                }
            }
            quote = c;
            pos++;
            return Step.STRING;
        }
        char closer = closerOf(c);
        if (closer != 0) {
            closers.append(closer);
            depth++;
            pos++;
            return Step.OPEN;
        }
        if (c == '}' || c == ']' || c == ')' && quotes == Quotes.PYTHON) {
            if (strict) {
                int top = closers.length() - 1;
                if (top < 0 || closers.charAt(top) != c) {
                    return Step.MISMATCH;
                }
                closers.setLength(top);
            }
            depth--;
            pos++;
            return Step.CLOSE;
        }
        pos++;
        return Step.OTHER;
    }

    private char closerOf(char c) {
        return switch (c) {
            case '{' -> '}';
            case '[' -> ']';
            case '(' -> quotes == Quotes.PYTHON ? ')' : 0;
            default -> 0;
        };
    }

    /**
     * The spans {@code [start, end)} of the top-level elements of the array text {@code [a, b, …]}
     * (whitespace trimmed), or null when the text is not one bracketed array.
     */
    static List<int[]> elementSpans(String text, boolean python) {
        int open = Scanning.skipWhitespace(text, 0);
        if (open >= text.length() || text.charAt(open) != '[') {
            return null;
        }
        List<int[]> spans = new ArrayList<>();
        int i = open + 1;
        while (true) {
            i = Scanning.skipWhitespace(text, i);
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
            i = Scanning.skipWhitespace(text, elementEnd);
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
    }

    /**
     * The arguments of a call the stream cut off, as far as they are one complete object ({@code {…}}
     * closed, what follows dropped), or null when they are not.
     */
    static String completeObject(String arguments) {
        int close = arguments.startsWith("{") ? valueEnd(arguments, 0) : -1;
        return close < 0 ? null : arguments.substring(0, close);
    }

    /**
     * Finds the first end marker outside the JSON strings of a call's arguments in one region that grows
     * with every chunk, reading each character once: it keeps the string state where it stopped, which is
     * before a marker the text may still complete. Markers before the JSON starts count wherever they are.
     */
    static final class Terminators {
        private final List<String> markers;
        private final BracketScanner strings = counting(Quotes.JSON);
        private int json = -1;
        private int from = -1;

        /** @param markers end markers, all beginning with {@code <} (JSON outside strings holds none) */
        Terminators(List<String> markers) {
            if (!markers.stream().allMatch(m -> m.startsWith("<"))) {
                throw new IllegalArgumentException("end markers must begin with <: " + markers);
            }
            this.markers = List.copyOf(markers);
        }

        /**
         * Where a call region ends while it streams in, its arguments starting at {@code arguments} (the
         * JSON at {@code json}, -1 while there is none): after the first terminator when that is {@code own}
         * (the call's own end marker), before it when it is another; -1 while none has come. Each search
         * goes on where the last one left off.
         */
        int regionEnd(CharSequence region, int arguments, int json, String own) {
            Markers.Match end = find(region, json, Math.max(from, arguments));
            if (end == null) {
                from = Math.max(arguments, region.length() - 64);
                return -1;
            }
            return end.marker().equals(own) ? end.end() : end.index();
        }

        /**
         * The first marker at or after {@code from} that is not inside a string of the JSON starting at
         * {@code json} (-1: no JSON, plain search), or null.
         */
        Markers.Match find(CharSequence region, int json, int from) {
            if (json < 0 || json > from) {
                Markers.Match early = Markers.earliest(region, from, markers);
                if (json < 0 || early == null || early.index() < json) {
                    return early;
                }
            }
            if (json != this.json) {
                this.json = json;
                strings.restart(json);
            }
            int start = Math.max(from, json);
            while (strings.pos < region.length()) {
                int i = strings.pos;
                if (i >= start && !strings.inString() && region.charAt(i) == '<') {
                    for (String marker : markers) {
                        if (Scanning.at(region, i, marker)) {
                            return new Markers.Match(i, marker);
                        }
                    }
                    if (Scanning.cutShortAny(region, i, markers)) {
                        return null; // decide when the rest has arrived
                    }
                }
                strings.step(region);
            }
            return null;
        }
    }
}
