package dev.anyclaude.toolcall;

import dev.anyclaude.toolcall.Scanning.Look;
import dev.anyclaude.toolcall.ToolCallFormat.Claim;

import java.util.ArrayList;
import java.util.List;

/**
 * The call grammar GLM-4.5 / 4.6 and GLM-4.7 / 5 share:
 * <pre>
 * &lt;tool_call&gt;NAME SEP (&lt;arg_key&gt;K&lt;/arg_key&gt; SEP &lt;arg_value&gt;V&lt;/arg_value&gt; SEP)* &lt;/tool_call&gt;
 * </pre>
 * SEP is a newline (4.5 / 4.6), nothing (4.7 / 5), or a literal backslash-n some models write instead of the
 * newline. Values are written raw when strings and as JSON otherwise, so they are passed on untyped and
 * exactly as written. An {@code </arg_value>} inside a value (code) ends it only when an {@code <arg_key>},
 * {@code </tool_call>} or the end of the stream follows.
 */
final class GlmCalls {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";
    private static final String KEY = "<arg_key>";
    private static final String KEY_CLOSE = "</arg_key>";
    private static final String VALUE = "<arg_value>";
    private static final String VALUE_CLOSE = "</arg_value>";
    private static final String ESCAPED_NEWLINE = "\\n";

    private GlmCalls() {
    }

    /**
     * {@code <tool_call>} followed by a tool name and then {@code <arg_key>} or {@code </tool_call>} (past
     * separators). A name cannot start with an opening brace (Hermes) or {@code <} (Qwen3-Coder).
     */
    static Claim claim(String text, boolean atEnd) {
        if (!text.startsWith(OPEN)) {
            return Claim.NO;
        }
        int i = Scanning.skipWhitespace(text, OPEN.length());
        int j = i;
        while (j < text.length() && Scanning.isNameChar(text.charAt(j))) {
            if (j - i >= Scanning.MAX_NAME) {
                return Claim.NO;
            }
            j++;
        }
        if (j == text.length()) {
            if (!atEnd) {
                return Claim.MAYBE;
            }
            // Cut off: a name alone is a (truncated) call without arguments, nothing at all is not one.
            return j == i ? Claim.NO : Claim.YES;
        }
        if (j == i) {
            return Claim.NO;
        }
        int k = skipSeparators(text, j);
        if (k == text.length() || cutSeparator(text, k)) {
            return atEnd ? Claim.YES : Claim.MAYBE;
        }
        return switch (Scanning.startsOneOf(text, k, KEY, CLOSE)) {
            case YES -> Claim.YES;
            case MORE -> atEnd ? Claim.YES : Claim.MAYBE;
            case NO -> Claim.NO;
        };
    }

    static int skipSeparators(CharSequence text, int from) {
        int i = from;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
            } else if (Scanning.at(text, i, ESCAPED_NEWLINE)) {
                i += ESCAPED_NEWLINE.length();
            } else {
                break;
            }
        }
        return i;
    }

    /** The text ends in a backslash that may become a literal backslash-n. */
    private static boolean cutSeparator(CharSequence text, int at) {
        return at == text.length() - 1 && text.charAt(at) == '\\';
    }

    /**
     * GLM-4.5 and GLM-4.7 as formats: they differ in their name, their reasoning, and whether a {@code <think>}
     * the model writes at the very start of output that already starts inside reasoning is dropped.
     */
    abstract static class Format implements ToolCallFormat {
        private final String name;
        private final Reasoning reasoning;
        private final boolean dropsLeadingOpen;

        Format(String name, Reasoning reasoning, boolean dropsLeadingOpen) {
            this.name = name;
            this.reasoning = reasoning;
            this.dropsLeadingOpen = dropsLeadingOpen;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> openers() {
            return List.of(OPEN);
        }

        @Override
        public Claim claims(String fromOpener) {
            return claim(fromOpener, false);
        }

        @Override
        public FormatParser newParser() {
            FormatParser parser = new TagScanner.Regions<>(List.of(OPEN), reasoning, GlmCalls::claim, Scanner::new);
            return dropsLeadingOpen ? LeadingMarkerDropped.whenStartingInside(parser, reasoning) : parser;
        }
    }

    /** Walks one call; resumable, its state depends only on the text consumed. */
    private static final class Scanner extends TagScanner {
        private enum Mode { NAME, BODY, AFTER_KEY, VALUE }

        private Mode mode = Mode.NAME;
        private String name;
        private final List<Arguments.Param> params = new ArrayList<>();
        private String key;
        private int valueStart;

        Scanner() {
            super(OPEN.length());
        }

        @Override
        protected boolean step(CharSequence region, boolean atEnd) {
            return switch (mode) {
                case NAME -> name(region, atEnd);
                case BODY -> body(region, atEnd);
                case AFTER_KEY -> afterKey(region, atEnd);
                case VALUE -> value(region, atEnd);
            };
        }

        @Override
        protected List<Piece.Call> calls(String region) {
            return List.of(new Piece.Call(name, new Arguments.Params(params), region));
        }

        @Override
        protected int skip(CharSequence region, int from) {
            return skipSeparators(region, from);
        }

        @Override
        protected boolean runsOut(CharSequence region, int i) {
            return i == region.length() || cutSeparator(region, i);
        }

        private boolean name(CharSequence region, boolean atEnd) {
            int i = Scanning.skipWhitespace(region, pos);
            int j = i;
            while (j < region.length() && Scanning.isNameChar(region.charAt(j))) {
                j++;
            }
            if (j == region.length() && !atEnd) {
                return false;
            }
            if (j == i) {
                return fail("no tool name after <tool_call>", region.length());
            }
            name = region.subSequence(i, j).toString();
            pos = j;
            mode = Mode.BODY;
            return true;
        }

        private boolean body(CharSequence region, boolean atEnd) {
            int k = skipSeparators(region, pos);
            if (Scanning.at(region, k, KEY)) {
                int close = Scanning.indexOf(region, KEY_CLOSE, k + KEY.length());
                if (close < 0) {
                    return atEnd && fail("the call is cut off in an argument name", region.length());
                }
                key = region.subSequence(k + KEY.length(), close).toString().strip();
                pos = close + KEY_CLOSE.length();
                mode = Mode.AFTER_KEY;
                return true;
            }
            if (Scanning.at(region, k, CLOSE)) {
                return finish(k + CLOSE.length());
            }
            if (Scanning.at(region, k, OPEN)) {
                return finish(pos);
            }
            if (k == region.length() || cutSeparator(region, k)
                    || Scanning.startsOneOf(region, k, KEY, CLOSE, OPEN) == Look.MORE) {
                return atEnd && finish(region.length());
            }
            // Text after the last argument: the call ended without </tool_call>.
            return finish(pos);
        }

        private boolean afterKey(CharSequence region, boolean atEnd) {
            int k = skipSeparators(region, pos);
            if (Scanning.at(region, k, VALUE)) {
                valueStart = k + VALUE.length();
                pos = valueStart;
                mode = Mode.VALUE;
                return true;
            }
            if (k == region.length() || cutSeparator(region, k) || Scanning.cutShort(region, k, VALUE)) {
                return atEnd && fail("the call is cut off after argument " + key, region.length());
            }
            int close = Scanning.indexOf(region, CLOSE, k);
            if (close < 0) {
                return atEnd && fail("argument " + key + " has no value", region.length());
            }
            return fail("argument " + key + " has no value", close + CLOSE.length());
        }

        private boolean value(CharSequence region, boolean atEnd) {
            while (true) {
                int lt = Scanning.indexOf(region, '<', pos);
                if (lt < 0) {
                    pos = region.length();
                    return atEnd && closeValue(region, region.length()) && finish(region.length());
                }
                if (Scanning.at(region, lt, VALUE_CLOSE)) {
                    Look look = closesValue(region, lt, VALUE_CLOSE, atEnd, KEY, CLOSE);
                    if (look == Look.MORE) {
                        return false;
                    }
                    if (look == Look.YES) {
                        closeValue(region, lt);
                        pos = lt + VALUE_CLOSE.length();
                        mode = Mode.BODY;
                        return true;
                    }
                } else if (Scanning.at(region, lt, CLOSE)) {
                    // </arg_value> missing: </tool_call> ends the value when the next call or the end follows.
                    Look look = closesValue(region, lt, CLOSE, atEnd, OPEN);
                    if (look == Look.MORE) {
                        return false;
                    }
                    if (look == Look.YES) {
                        closeValue(region, lt);
                        return finish(lt + CLOSE.length());
                    }
                } else if (!atEnd && Scanning.startsOneOf(region, lt, VALUE_CLOSE, CLOSE) == Look.MORE) {
                    pos = lt;
                    return false;
                } else {
                    pos = lt + 1;
                }
            }
        }

        private boolean closeValue(CharSequence region, int at) {
            params.add(new Arguments.Param(key, region.subSequence(valueStart, at).toString(),
                    Arguments.ValueKind.UNTYPED));
            return true;
        }

    }
}
