package dev.anyclaude.toolcall;

import dev.anyclaude.toolcall.Scanning.Look;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * MiniMax M2 / M2.1 / M2.5 calls, one or more invokes per block:
 * <pre>
 * &lt;minimax:tool_call&gt;
 * &lt;invoke name="Read"&gt;
 * &lt;parameter name="file_path"&gt;a.txt&lt;/parameter&gt;
 * &lt;/invoke&gt;
 * &lt;/minimax:tool_call&gt;
 * </pre>
 * Values are written raw when strings and as JSON otherwise: they are passed on untyped and exactly as
 * written (the template adds no newlines around them, so none are dropped). A {@code </parameter>} inside a
 * value ends it only when structure follows ({@code <parameter name=}, {@code </invoke>}, {@code <invoke name=},
 * the block's close, or the end); missing {@code </parameter>}, {@code </invoke>} and block closes are implied.
 *
 * <p>The generation prompt ends inside {@code <think>}: the output is reasoning up to {@code </think>}. A
 * {@code <think>} the model writes at the start (or on later turns) is honoured as well. A call block before
 * {@code </think>} is still a call: the marker is unmistakable and a lost call stalls the agent.
 */
public final class MiniMaxM2Format implements ToolCallFormat {

    static final String OPEN = "<minimax:tool_call>";
    static final String CLOSE = "</minimax:tool_call>";
    private static final String INVOKE = "<invoke";
    private static final String INVOKE_NAMED = "<invoke name=";
    private static final String INVOKE_CLOSE = "</invoke>";
    private static final String PARAMETER = "<parameter";
    private static final String PARAMETER_NAMED = "<parameter name=";
    private static final String PARAMETER_CLOSE = "</parameter>";
    private static final int MAX_TAG = 256;

    private final Reasoning reasoning;

    public MiniMaxM2Format() {
        this(true);
    }

    /**
     * @param reasoningStartsInside false when the output does not start inside reasoning (a server that
     *                              already separated the reasoning)
     */
    public MiniMaxM2Format(boolean reasoningStartsInside) {
        Reasoning think = Reasoning.THINK.withCallsInside();
        this.reasoning = reasoningStartsInside ? think.startingInside() : think;
    }

    @Override
    public String name() {
        return "minimax-m2";
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN);
    }

    @Override
    public Claim claims(String fromOpener) {
        return claim(fromOpener, false);
    }

    /** The block opener followed, past whitespace, by {@code <invoke}. */
    static Claim claim(String text, boolean atEnd) {
        if (!text.startsWith(OPEN)) {
            return Claim.NO;
        }
        int i = Scanning.skipWhitespace(text, OPEN.length());
        if (Scanning.at(text, i, INVOKE)) {
            return Claim.YES;
        }
        if (i == text.length() || Scanning.cutShort(text, i, INVOKE)) {
            return atEnd ? Claim.NO : Claim.MAYBE;
        }
        return Claim.NO;
    }

    @Override
    public FormatParser newParser() {
        return LeadingMarkerDropped.whenStartingInside(
                new TagScanner.Regions<>(List.of(OPEN), reasoning, MiniMaxM2Format::claim, Scanner::new), reasoning);
    }

    private record Invoke(String name, int start, List<Arguments.Param> params) {
    }

    /** Walks one block; resumable, its state depends only on the text consumed. */
    private static final class Scanner extends TagScanner {
        private enum Mode { BLOCK, INVOKE, VALUE, SKIP }

        private Mode mode = Mode.BLOCK;
        private final List<Invoke> invokes = new ArrayList<>();
        private Invoke invoke;
        private final Set<String> seen = new HashSet<>();
        private String param;
        private int valueStart;
        private int nested;

        Scanner() {
            super(OPEN.length());
        }

        @Override
        protected boolean step(CharSequence region, boolean atEnd) {
            return switch (mode) {
                case BLOCK -> block(region, atEnd);
                case INVOKE -> invoke(region, atEnd);
                case VALUE -> value(region, atEnd);
                case SKIP -> skip(region, atEnd);
            };
        }

        @Override
        protected List<Piece.Call> calls(String region) {
            if (invokes.isEmpty()) {
                failLater("no <invoke> in the block");
                return null;
            }
            List<Piece.Call> calls = new ArrayList<>(invokes.size());
            for (int k = 0; k < invokes.size(); k++) {
                Invoke invoke = invokes.get(k);
                int rawStart = k == 0 ? 0 : invoke.start;
                int rawEnd = k == invokes.size() - 1 ? region.length() : invokes.get(k + 1).start;
                calls.add(new Piece.Call(invoke.name, new Arguments.Params(invoke.params),
                        region.substring(rawStart, rawEnd)));
            }
            return calls;
        }

        /** An unreadable block: it still runs to its close, so none of it is taken for text or another call. */
        private boolean failToClose(String reason, int from) {
            failLater(reason);
            pos = from;
            mode = Mode.SKIP;
            return true;
        }

        private boolean skip(CharSequence region, boolean atEnd) {
            int close = Scanning.indexOf(region, CLOSE, pos);
            if (close >= 0) {
                return finish(close + CLOSE.length());
            }
            if (atEnd) {
                return finish(region.length());
            }
            pos = Math.max(pos, region.length() - CLOSE.length() + 1);
            return false;
        }

        private boolean block(CharSequence region, boolean atEnd) {
            int i = Scanning.skipWhitespace(region, pos);
            if (isTag(region, i, INVOKE)) {
                int close = tagEnd(region, i + INVOKE.length());
                if (close == -1) {
                    return atEnd && fail("the call is cut off in an <invoke> tag", region.length());
                }
                String name = close < 0 ? null
                        : attribute(region.subSequence(i + INVOKE.length(), close).toString(), "name");
                if (name == null || !Scanning.isName(name.strip())) {
                    return failToClose("an <invoke> without a usable name", close < 0 ? i + 1 : close + 1);
                }
                invoke = new Invoke(name.strip(), i, new ArrayList<>());
                invokes.add(invoke);
                seen.clear();
                pos = close + 1;
                mode = Mode.INVOKE;
                return true;
            }
            if (Scanning.at(region, i, CLOSE)) {
                return finish(i + CLOSE.length());
            }
            if (Scanning.at(region, i, OPEN)) {
                return finish(pos);
            }
            if (i == region.length() || Scanning.startsOneOf(region, i, INVOKE, CLOSE, OPEN) == Look.MORE
                    || Scanning.at(region, i, INVOKE) && i + INVOKE.length() == region.length()) {
                return atEnd && finish(region.length());
            }
            // Text after the last invoke: the block ended without its close.
            return finish(pos);
        }

        private boolean invoke(CharSequence region, boolean atEnd) {
            int i = Scanning.skipWhitespace(region, pos);
            if (isTag(region, i, PARAMETER)) {
                int close = tagEnd(region, i + PARAMETER.length());
                if (close == -1) {
                    return atEnd && fail("the call is cut off in a <parameter> tag", region.length());
                }
                String name = close < 0 ? null
                        : attribute(region.subSequence(i + PARAMETER.length(), close).toString(), "name");
                if (name == null) {
                    return failToClose("a <parameter> without a name", close < 0 ? i + 1 : close + 1);
                }
                param = name.strip();
                valueStart = close + 1;
                pos = valueStart;
                nested = 0;
                mode = Mode.VALUE;
                return true;
            }
            if (Scanning.at(region, i, INVOKE_CLOSE)) {
                pos = i + INVOKE_CLOSE.length();
                mode = Mode.BLOCK;
                return true;
            }
            if (isTag(region, i, INVOKE) || Scanning.at(region, i, CLOSE)) {
                // </invoke> missing
                pos = i;
                mode = Mode.BLOCK;
                return true;
            }
            if (i == region.length() || Scanning.startsOneOf(region, i, PARAMETER, INVOKE_CLOSE, INVOKE, CLOSE) == Look.MORE
                    || Scanning.at(region, i, PARAMETER) && i + PARAMETER.length() == region.length()
                    || Scanning.at(region, i, INVOKE) && i + INVOKE.length() == region.length()) {
                return atEnd && finish(region.length());
            }
            return finish(pos);
        }

        private boolean value(CharSequence region, boolean atEnd) {
            while (true) {
                int lt = Scanning.indexOf(region, '<', pos);
                if (lt < 0) {
                    pos = region.length();
                    return atEnd && closeValue(region, region.length()) && finish(region.length());
                }
                if (Scanning.at(region, lt, PARAMETER_CLOSE)) {
                    if (nested > 0) {
                        nested--;
                        pos = lt + PARAMETER_CLOSE.length();
                        continue;
                    }
                    Look look = closesValue(region, lt, PARAMETER_CLOSE, atEnd,
                            PARAMETER_NAMED, INVOKE_CLOSE, INVOKE_NAMED, CLOSE);
                    if (look == Look.MORE) {
                        return false;
                    }
                    if (look == Look.YES) {
                        closeValue(region, lt);
                        pos = lt + PARAMETER_CLOSE.length();
                        mode = Mode.INVOKE;
                        return true;
                    }
                } else if (Scanning.at(region, lt, PARAMETER_NAMED)) {
                    int close = tagEnd(region, lt + PARAMETER.length());
                    if (close == -1 && !atEnd) {
                        pos = lt;
                        return false;
                    }
                    if (close < 0) {
                        pos = lt + 1;
                        continue;
                    }
                    String name = attribute(region.subSequence(lt + PARAMETER.length(), close).toString(), "name");
                    boolean lineStart = lt == valueStart || region.charAt(lt - 1) == '\n';
                    if (nested == 0 && lineStart && name != null && !name.strip().equals(param)
                            && !seen.contains(name.strip())) {
                        // The previous value's </parameter> is missing.
                        closeValue(region, lt);
                        pos = lt;
                        mode = Mode.INVOKE;
                        return true;
                    }
                    nested++;
                    pos = close + 1;
                } else if (Scanning.at(region, lt, INVOKE_CLOSE) || Scanning.at(region, lt, CLOSE)) {
                    boolean invokeClose = Scanning.at(region, lt, INVOKE_CLOSE);
                    int after = lt + (invokeClose ? INVOKE_CLOSE.length() : CLOSE.length());
                    if (nested > 0) {
                        pos = after;
                        continue;
                    }
                    Look look = invokeClose ? followedBy(region, after, atEnd, INVOKE_NAMED, CLOSE)
                            : followedBy(region, after, atEnd, OPEN);
                    if (look == Look.MORE) {
                        pos = lt;
                        return false;
                    }
                    if (look == Look.YES) {
                        closeValue(region, lt);
                        pos = lt;
                        mode = Mode.INVOKE;
                        return true;
                    }
                    pos = after;
                } else if (!atEnd && Scanning.startsOneOf(region, lt, PARAMETER_CLOSE, PARAMETER_NAMED, INVOKE_CLOSE,
                        CLOSE) == Look.MORE) {
                    pos = lt;
                    return false;
                } else {
                    pos = lt + 1;
                }
            }
        }

        private boolean closeValue(CharSequence region, int at) {
            invoke.params().add(new Arguments.Param(param, region.subSequence(valueStart, at).toString(),
                    Arguments.ValueKind.UNTYPED));
            seen.add(param);
            return true;
        }

    }

    /** {@code <invoke} or {@code <parameter} as a whole tag name: followed by whitespace or {@code >}. */
    private static boolean isTag(CharSequence region, int at, String tag) {
        int next = at + tag.length();
        return Scanning.at(region, at, tag) && next < region.length()
                && (Character.isWhitespace(region.charAt(next)) || region.charAt(next) == '>');
    }

    /** The index of the tag's {@code >} outside quotes: -1 when not there yet, -2 when this is no tag. */
    private static int tagEnd(CharSequence region, int from) {
        char quote = 0;
        for (int i = from; i < region.length(); i++) {
            char c = region.charAt(i);
            if (i - from >= MAX_TAG) {
                return -2;
            }
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\n') {
                    return -2;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i;
            } else if (c == '<' || c == '\n') {
                return -2;
            }
        }
        return -1;
    }

    /** An attribute's value in a tag's text ({@code name="x"}, {@code name='x'} or {@code name=x}), or null. */
    static String attribute(String tag, String attribute) {
        int i = 0;
        int n = tag.length();
        while (i < n) {
            i = Scanning.skipWhitespace(tag, i);
            int nameStart = i;
            while (i < n && !Character.isWhitespace(tag.charAt(i)) && tag.charAt(i) != '=') {
                i++;
            }
            String name = tag.substring(nameStart, i);
            i = Scanning.skipWhitespace(tag, i);
            if (i < n && tag.charAt(i) == '=') {
                i = Scanning.skipWhitespace(tag, i + 1);
                String value;
                if (i < n && (tag.charAt(i) == '"' || tag.charAt(i) == '\'')) {
                    int close = tag.indexOf(tag.charAt(i), i + 1);
                    value = close < 0 ? tag.substring(i + 1) : tag.substring(i + 1, close);
                    i = close < 0 ? n : close + 1;
                } else {
                    int start = i;
                    while (i < n && !Character.isWhitespace(tag.charAt(i))) {
                        i++;
                    }
                    value = tag.substring(start, i);
                }
                if (name.equals(attribute)) {
                    return value;
                }
            } else if (name.isEmpty()) {
                i++;
            }
        }
        return null;
    }
}
