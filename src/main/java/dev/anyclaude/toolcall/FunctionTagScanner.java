package dev.anyclaude.toolcall;

import dev.anyclaude.toolcall.Scanning.Look;
import dev.anyclaude.toolcall.ToolCallFormat.Claim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The body grammar Qwen3-Coder and Seed-OSS share, one call per region:
 * <pre>
 * [WRAP_OPEN] &lt;function=NAME&gt; (&lt;parameter=P&gt; value [&lt;/parameter&gt;])* [&lt;/function&gt;] [WRAP_CLOSE]
 * </pre>
 * Values are written verbatim (code, HTML, even a whole example call), so a closing tag inside a value is
 * structural only when what follows it is structure:
 * <ul>
 * <li>{@code </parameter>} ends the value when followed (after whitespace) by {@code <parameter=},
 *     {@code </function>}, the wrapper's close, or the end of the stream; {@code <parameter=} opened inside
 *     the value (an example) is depth-counted and closes first;</li>
 * <li>a missing {@code </parameter>} is implied by a {@code <parameter=} at the start of a line naming a
 *     parameter not seen yet (and not inside an example function), by a {@code </function>} followed by the
 *     wrapper's close or a next call, by the wrapper's close followed by a next call, or by the end;</li>
 * <li>{@code <function=} inside a value opens an example whose {@code </function>} is not structural.</li>
 * </ul>
 * The scanner resumes where it stopped: its state depends only on the text consumed.
 */
final class FunctionTagScanner extends TagScanner {

    static final String FUNCTION = "<function=";
    static final String FUNCTION_CLOSE = "</function>";
    static final String PARAMETER = "<parameter=";
    static final String PARAMETER_CLOSE = "</parameter>";

    /** Past this a {@code <parameter=} with no {@code >} is text, not a tag. */
    private static final int MAX_TAG = 256;

    private enum Mode { START, NAME, BODY, VALUE, AFTER }

    private final String wrapOpen;
    private final String wrapClose;

    private Mode mode = Mode.START;
    private String function;
    private final List<Arguments.Param> params = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private String param;
    private int valueStart;
    private int nestedParameters;
    private int nestedFunctions;

    FunctionTagScanner(String wrapOpen, String wrapClose) {
        super(0);
        this.wrapOpen = wrapOpen;
        this.wrapClose = wrapClose;
    }

    /** The region parser of a family with this grammar, wrapped in {@code wrapOpen}…{@code wrapClose}. */
    static FormatParser parser(List<String> openers, Reasoning reasoning, String wrapOpen, String wrapClose) {
        return new TagScanner.Regions<>(openers, reasoning, (text, atEnd) -> claim(text, wrapOpen, wrapClose, atEnd),
                () -> new FunctionTagScanner(wrapOpen, wrapClose));
    }

    /**
     * Whether text starting at an opener ({@code wrapOpen} or {@code <function=}) is a call: a valid
     * function name, then a parameter, {@code </function>} or the wrapper's close. Unrendered template
     * names ({@code <function={{ tc.name }}>}) and prose ({@code <tool_call> tags}) are not.
     */
    static Claim claim(String text, String wrapOpen, String wrapClose, boolean atEnd) {
        int i;
        boolean wrapped = text.startsWith(wrapOpen);
        if (wrapped) {
            i = Scanning.skipWhitespace(text, wrapOpen.length());
            if (!Scanning.at(text, i, FUNCTION)) {
                return !atEnd && (i == text.length() || Scanning.cutShort(text, i, FUNCTION)) ? Claim.MAYBE : Claim.NO;
            }
        } else if (text.startsWith(FUNCTION)) {
            i = 0;
        } else {
            return Claim.NO;
        }
        int nameStart = i + FUNCTION.length();
        int j = nameStart;
        while (j < text.length() && text.charAt(j) != '>') {
            if (!Scanning.isNameChar(text.charAt(j)) || j - nameStart >= Scanning.MAX_NAME) {
                return Claim.NO;
            }
            j++;
        }
        if (j == text.length()) {
            return atEnd ? (wrapped ? Claim.YES : Claim.NO) : Claim.MAYBE;
        }
        if (j == nameStart) {
            return Claim.NO;
        }
        int k = Scanning.skipWhitespace(text, j + 1);
        return switch (Scanning.startsOneOf(text, k, PARAMETER, FUNCTION_CLOSE, wrapClose)) {
            case YES -> Claim.YES;
            case NO -> Claim.NO;
            case MORE -> more(wrapped, atEnd);
        };
    }

    private static Claim more(boolean wrapped, boolean atEnd) {
        // Cut off at the end: a wrapped call is a (truncated) call; a bare <function=X> is prose.
        return atEnd ? (wrapped ? Claim.YES : Claim.NO) : Claim.MAYBE;
    }

    @Override
    protected boolean step(CharSequence region, boolean atEnd) {
        return switch (mode) {
            case START -> start(region, atEnd);
            case NAME -> name(region, atEnd);
            case BODY -> body(region, atEnd);
            case VALUE -> value(region, atEnd);
            case AFTER -> after(region, atEnd);
        };
    }

    @Override
    protected List<Piece.Call> calls(String region) {
        if (function == null) {
            failLater("no function in the call");
            return null;
        }
        return List.of(new Piece.Call(function, new Arguments.Params(params), region));
    }

    private boolean start(CharSequence region, boolean atEnd) {
        int i = Scanning.at(region, 0, wrapOpen) ? Scanning.skipWhitespace(region, wrapOpen.length()) : 0;
        if (Scanning.at(region, i, FUNCTION)) {
            pos = i + FUNCTION.length();
            mode = Mode.NAME;
            return true;
        }
        if (!atEnd && (i == region.length() || Scanning.cutShort(region, i, FUNCTION))) {
            return false;
        }
        return fail("no <function= in the call", region.length());
    }

    private boolean name(CharSequence region, boolean atEnd) {
        int close = Scanning.indexOf(region, '>', pos);
        if (close < 0) {
            return atEnd && fail("the call is cut off in its function name", region.length());
        }
        String name = region.subSequence(pos, close).toString();
        if (!Scanning.isName(name)) {
            return fail("not a function name: " + name, close + 1);
        }
        function = name;
        pos = close + 1;
        mode = Mode.BODY;
        return true;
    }

    private boolean body(CharSequence region, boolean atEnd) {
        int i = Scanning.skipWhitespace(region, pos);
        if (Scanning.at(region, i, PARAMETER)) {
            int close = tagEnd(region, i + PARAMETER.length());
            if (close == -1) {
                return atEnd && fail("the call is cut off in a parameter name", region.length());
            }
            if (close == -2) {
                return fail("unreadable parameter tag", i);
            }
            param = region.subSequence(i + PARAMETER.length(), close).toString().strip();
            valueStart = close + 1;
            pos = valueStart;
            nestedParameters = 0;
            nestedFunctions = 0;
            mode = Mode.VALUE;
            return true;
        }
        if (Scanning.at(region, i, FUNCTION_CLOSE)) {
            pos = i + FUNCTION_CLOSE.length();
            mode = Mode.AFTER;
            return true;
        }
        if (Scanning.at(region, i, wrapClose)) {
            return finish(i + wrapClose.length());
        }
        if (Scanning.at(region, i, FUNCTION) || Scanning.at(region, i, wrapOpen)) {
            // The next call began without this one's closing tags.
            return finish(pos);
        }
        if (i == region.length() || Scanning.startsOneOf(region, i, PARAMETER, FUNCTION_CLOSE, wrapClose,
                FUNCTION, wrapOpen) == Look.MORE) {
            return atEnd && finish(region.length());
        }
        // Text after the last parameter: the call ended without its closing tags.
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
                if (nestedParameters > 0) {
                    nestedParameters--;
                    pos = lt + PARAMETER_CLOSE.length();
                    continue;
                }
                Look look = closesValue(region, lt, PARAMETER_CLOSE, atEnd, PARAMETER, FUNCTION_CLOSE, wrapClose);
                if (look == Look.MORE) {
                    return false;
                }
                if (look == Look.YES) {
                    closeValue(region, lt);
                    pos = lt + PARAMETER_CLOSE.length();
                    mode = Mode.BODY;
                    return true;
                }
            } else if (Scanning.at(region, lt, PARAMETER)) {
                int close = tagEnd(region, lt + PARAMETER.length());
                if (close == -1 && !atEnd) {
                    pos = lt;
                    return false;
                }
                if (close < 0) {
                    pos = lt + 1;
                    continue;
                }
                String name = region.subSequence(lt + PARAMETER.length(), close).toString().strip();
                boolean lineStart = lt == valueStart || region.charAt(lt - 1) == '\n';
                if (nestedParameters == 0 && nestedFunctions == 0 && lineStart && !name.equals(param)
                        && !seen.contains(name)) {
                    // The previous value's </parameter> is missing.
                    closeValue(region, lt);
                    pos = lt;
                    mode = Mode.BODY;
                    return true;
                }
                nestedParameters++;
                pos = close + 1;
            } else if (Scanning.at(region, lt, FUNCTION)) {
                nestedFunctions++;
                pos = lt + FUNCTION.length();
            } else if (Scanning.at(region, lt, FUNCTION_CLOSE)) {
                if (nestedFunctions > 0) {
                    nestedFunctions--;
                    pos = lt + FUNCTION_CLOSE.length();
                    continue;
                }
                if (nestedParameters > 0) {
                    pos = lt + FUNCTION_CLOSE.length();
                    continue;
                }
                Look look = closesValue(region, lt, FUNCTION_CLOSE, atEnd, wrapClose, FUNCTION, wrapOpen);
                if (look == Look.MORE) {
                    return false;
                }
                if (look == Look.YES) {
                    closeValue(region, lt);
                    pos = lt;
                    mode = Mode.BODY;
                    return true;
                }
            } else if (Scanning.at(region, lt, wrapClose)) {
                if (nestedParameters > 0 || nestedFunctions > 0) {
                    pos = lt + wrapClose.length();
                    continue;
                }
                Look look = closesValue(region, lt, wrapClose, atEnd, wrapOpen, FUNCTION);
                if (look == Look.MORE) {
                    return false;
                }
                if (look == Look.YES) {
                    closeValue(region, lt);
                    pos = lt;
                    mode = Mode.BODY;
                    return true;
                }
            } else if (!atEnd && Scanning.startsOneOf(region, lt, PARAMETER_CLOSE, PARAMETER, FUNCTION,
                    FUNCTION_CLOSE, wrapClose) == Look.MORE) {
                pos = lt;
                return false;
            } else {
                pos = lt + 1;
            }
        }
    }

    private boolean after(CharSequence region, boolean atEnd) {
        int i = Scanning.skipWhitespace(region, pos);
        if (Scanning.at(region, i, wrapClose)) {
            return finish(i + wrapClose.length());
        }
        if (i == region.length() || Scanning.cutShort(region, i, wrapClose)) {
            return atEnd && finish(region.length());
        }
        return finish(pos);
    }

    private boolean closeValue(CharSequence region, int at) {
        String value = Scanning.stripOneNewline(region.subSequence(valueStart, at).toString());
        params.add(new Arguments.Param(param, value, Arguments.ValueKind.UNTYPED));
        seen.add(param);
        return true;
    }

    /** The index of a tag's {@code >} from {@code from}: -1 when not there yet, -2 when this is no tag. */
    private static int tagEnd(CharSequence region, int from) {
        for (int i = from; i < region.length(); i++) {
            char c = region.charAt(i);
            if (c == '>') {
                return i;
            }
            if (c == '\n' || c == '<' || i - from >= MAX_TAG) {
                return -2;
            }
        }
        return -1;
    }
}
