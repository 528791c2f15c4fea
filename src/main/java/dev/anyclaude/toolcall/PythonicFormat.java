package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Pythonic tool calls (Llama 4, Llama 3.2 lightweight, ToolACE, Gemma 3 prompted):
 * {@code [get_weather(city="SF"), get_time(tz='PST')]}, in Llama 4 optionally wrapped in
 * {@code <|python_start|>…<|python_end|>}. Values are Python literals, read by {@link PythonLiterals}; the
 * arguments go on as JSON text.
 *
 * <p>Without the wrapper a list is a call only at an anchor (start of the output or of a line, right after
 * another call), outside code fences, and only when the whole list parses as calls with literal keyword
 * arguments — a markdown link, a footnote {@code [1]} or a list holding a name or an expression is text.
 * Inside the wrapper an unreadable list is a malformed call. Stop tokens left in the text are dropped.
 */
public final class PythonicFormat implements ToolCallFormat {
    static final String START = "<|python_start|>";
    static final String END = "<|python_end|>";
    private static final List<String> OPENERS = List.of(START);
    private static final List<String> CLOSERS = List.of(END);

    @Override
    public String name() {
        return "pythonic";
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        return Claim.YES;
    }

    @Override
    public FormatParser newParser() {
        return new Parser();
    }

    private static final class Parser extends LineCallParser {
        private final BracketScanner scanner = new BracketScanner(true);

        Parser() {
            super(OPENERS, Llama3JsonFormat.STOP_TOKENS);
        }

        @Override
        protected boolean startsCall(char c) {
            return c == '[';
        }

        @Override
        protected void resolved() {
            scanner.reset();
        }

        @Override
        protected Detection bare(CharSequence text, boolean atEnd) {
            // '[' name '(' before anything is held: a markdown link or footnote is text at once
            int i = Scanning.skipWhitespace(text, 1);
            if (i >= text.length()) {
                return Detection.moreOrText(text, atEnd);
            }
            if (!Character.isLetter(text.charAt(i)) && text.charAt(i) != '_') {
                return Detection.text(1);
            }
            int nameStart = i;
            while (i < text.length() && PythonLiterals.isNameChar(text.charAt(i))) {
                if (++i - nameStart > 128) {
                    return Detection.text(1);
                }
            }
            i = Scanning.skipWhitespace(text, i);
            if (i >= text.length()) {
                return Detection.moreOrText(text, atEnd);
            }
            if (text.charAt(i) != '(') {
                return Detection.text(1);
            }
            int end = scanner.end(text, 0);
            if (end == BracketScanner.OPEN) {
                return Detection.moreOrMalformed(text, atEnd, "the call list is cut off");
            }
            if (end == BracketScanner.MISMATCH) {
                return Detection.text(1);
            }
            String list = text.subSequence(0, end).toString();
            try {
                return Detection.calls(end, PythonLiterals.read(list, list));
            } catch (PythonLiterals.NotLiteral notCalls) {
                return Detection.text(end);
            }
        }

        @Override
        protected Detection opened(CharSequence text, String opener, boolean atEnd) {
            int i = Scanning.skipWhitespace(text, opener.length());
            if (i >= text.length()) {
                return Detection.moreOrMalformed(text, atEnd, "nothing after " + opener);
            }
            int bodyEnd;
            int regionEnd;
            if (text.charAt(i) == '[' && (bodyEnd = scanner.end(text, i)) != BracketScanner.MISMATCH) {
                if (bodyEnd == BracketScanner.OPEN) {
                    return Detection.moreOrMalformed(text, atEnd, "the call list is cut off");
                }
                regionEnd = BracketRegionParser.closeAfter(text, bodyEnd, CLOSERS);
                if (regionEnd < 0) {
                    if (!atEnd) {
                        return Detection.more();
                    }
                    regionEnd = text.length();
                }
            } else {
                // no list: calls written bare, up to the end marker
                Markers.Match close = Markers.earliest(text, i, CLOSERS);
                if (close == null && !atEnd) {
                    return Detection.more();
                }
                bodyEnd = close == null ? text.length() : close.index();
                regionEnd = close == null ? text.length() : close.end();
            }
            String body = text.subSequence(i, bodyEnd).toString();
            String raw = text.subSequence(0, regionEnd).toString();
            try {
                return Detection.calls(regionEnd, PythonLiterals.read(body, raw));
            } catch (PythonLiterals.NotLiteral notCalls) {
                return Detection.malformed(regionEnd, "not a pythonic call list: " + notCalls.getMessage());
            }
        }
    }
}
