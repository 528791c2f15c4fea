package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;

import java.util.List;

/**
 * Llama 3.1 / 3.2 / 3.3 JSON tool calling: {@code {"name": N, "parameters": {…}}} (also
 * {@code "arguments"}, also with a leading {@code "type": "function"}), often with no marker at all, or after
 * {@code <|python_tag|>}; several calls separated by {@code ;} or line breaks; the stop tokens
 * {@code <|eom_id|>} / {@code <|eot_id|>} may be left in the text and are dropped.
 *
 * <p>A bare object is a call only at an anchor (start of the output or of a line, or right after another
 * call), outside code fences, and only when it is strict JSON with a {@code name}, a
 * {@code parameters}/{@code arguments} object, and no keys a call does not have; so {@code {"name": "Alice",
 * "age": 30}} or JSON inside prose stays text. After {@code <|python_tag|>} the object is a call whatever
 * it holds (Python literals are read too). A built-in tool call {@code <|python_tag|>brave_search.call(query="…")}
 * becomes a call to {@code brave_search}; other Python code after the tag (code-interpreter input) is not
 * a call and goes out as text.
 */
public final class Llama3JsonFormat implements ToolCallFormat {
    static final String PYTHON_TAG = "<|python_tag|>";
    /** Llama 3.x and Llama 4 end-of-message / end-of-turn tokens servers leave in the text. */
    static final List<String> STOP_TOKENS = List.of("<|eom_id|>", "<|eot_id|>", "<|eom|>", "<|eot|>");
    private static final List<String> OPENERS = List.of(PYTHON_TAG);
    private static final String BUILTIN_SUFFIX = ".call";

    @Override
    public String name() {
        return "llama3-json";
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        int i = Scanning.skipWhitespace(fromOpener, PYTHON_TAG.length());
        if (i >= fromOpener.length()) {
            return Claim.MAYBE;
        }
        char c = fromOpener.charAt(i);
        if (c == '{' || c == '[') {
            return Claim.YES;
        }
        int end = i;
        while (end < fromOpener.length() && PythonLiterals.isNameChar(fromOpener.charAt(end))) {
            end++;
        }
        if (end == i) {
            return Claim.NO;
        }
        if (end >= fromOpener.length()) {
            return Claim.MAYBE;
        }
        return fromOpener.charAt(end) == '(' && fromOpener.substring(i, end).endsWith(BUILTIN_SUFFIX)
                ? Claim.YES : Claim.NO;
    }

    @Override
    public FormatParser newParser() {
        return new Parser();
    }

    private static final class Parser extends LineCallParser {
        private final BracketScanner json = new BracketScanner(false);
        private final BracketScanner python = new BracketScanner(true);

        Parser() {
            super(OPENERS, STOP_TOKENS);
        }

        @Override
        protected boolean startsCall(char c) {
            return c == '{';
        }

        @Override
        protected void resolved() {
            json.reset();
            python.reset();
        }

        @Override
        protected Detection bare(CharSequence text, boolean atEnd) {
            Boolean shape = JsonCalls.callShapedStart(text, 0);
            if (shape == null) {
                return Detection.moreOrText(text, atEnd);
            }
            if (!shape) {
                return Detection.text(1);
            }
            int end = json.end(text, 0);
            if (end == BracketScanner.OPEN) {
                return Detection.moreOrMalformed(text, atEnd, "the call's JSON is cut off");
            }
            if (end == BracketScanner.MISMATCH) {
                return Detection.text(1);
            }
            String object = text.subSequence(0, end).toString();
            try {
                return Detection.calls(end, JsonCalls.read(object, object, JsonCalls.Rules.BARE));
            } catch (JsonCalls.NotCalls notCalls) {
                return Detection.text(end);
            }
        }

        @Override
        protected Detection opened(CharSequence text, String opener, boolean atEnd) {
            int i = Scanning.skipWhitespace(text, opener.length());
            if (i >= text.length()) {
                return Detection.moreOrMalformed(text, atEnd, "nothing after " + opener);
            }
            char c = text.charAt(i);
            if (c == '{' || c == '[') {
                int end = python.end(text, i);
                if (end == BracketScanner.OPEN) {
                    return Detection.moreOrMalformed(text, atEnd, "the call is cut off");
                }
                if (end >= 0) {
                    return value(text.subSequence(i, end).toString(), text.subSequence(0, end).toString());
                }
            } else if (Character.isLetter(c) || c == '_') {
                Detection builtin = builtin(text, i, atEnd);
                if (builtin != null) {
                    return builtin;
                }
            }
            return code(text, i, atEnd);
        }

        /** A JSON call object (or list), or a pythonic list, after the tag. */
        private static Detection value(String body, String raw) {
            int first = Scanning.skipWhitespace(body, 1);
            boolean pythonic = body.charAt(0) == '[' && first < body.length() && body.charAt(first) != '{';
            try {
                if (pythonic) {
                    return Detection.calls(raw.length(), PythonLiterals.read(body, raw));
                }
                return Detection.calls(raw.length(), JsonCalls.read(body, raw, JsonCalls.Rules.MARKED));
            } catch (JsonCalls.NotCalls | PythonLiterals.NotLiteral notCalls) {
                return Detection.malformed(raw.length(), notCalls.getMessage());
            }
        }

        /** {@code name.call(k=v, …)}: a built-in tool; null when the text is something else. */
        private Detection builtin(CharSequence text, int at, boolean atEnd) {
            int i = at;
            while (i < text.length() && PythonLiterals.isNameChar(text.charAt(i))) {
                i++;
            }
            int open = Scanning.skipWhitespace(text, i);
            if (open >= text.length()) {
                return atEnd ? null : Detection.more();
            }
            if (text.charAt(open) != '(' || !text.subSequence(at, i).toString().endsWith(BUILTIN_SUFFIX)) {
                return null;
            }
            int end = python.end(text, open);
            if (end == BracketScanner.OPEN) {
                return Detection.moreOrMalformed(text, atEnd, "the call is cut off");
            }
            if (end < 0) {
                return null;
            }
            try {
                PythonLiterals.PyCall call = PythonLiterals.call(text.subSequence(at, end).toString());
                String name = call.name().substring(0, call.name().length() - BUILTIN_SUFFIX.length());
                return Detection.calls(end, List.of(new Piece.Call(name,
                        new Arguments.JsonText(Json.string(call.arguments())),
                        text.subSequence(0, end).toString())));
            } catch (PythonLiterals.NotLiteral notACall) {
                return null;
            }
        }

        /** Python code for the model's interpreter: runs to the stop token; not a tool call. */
        private static Detection code(CharSequence text, int from, boolean atEnd) {
            Markers.Match stop = Markers.earliest(text, from, STOP_TOKENS);
            if (stop != null) {
                return Detection.malformed(stop.index(), "code for the model's interpreter, not a tool call");
            }
            return atEnd ? Detection.malformed(text.length(), "code for the model's interpreter, not a tool call")
                    : Detection.more();
        }
    }
}
