package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.toolcall.DeepSeekMarkers.CALLS_BEGIN;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALLS_END;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALL_BEGIN;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALL_END;
import static dev.anyclaude.toolcall.DeepSeekMarkers.END_OF_SENTENCE;
import static dev.anyclaude.toolcall.DeepSeekMarkers.FUNCTION_SEP;
import static dev.anyclaude.toolcall.DeepSeekMarkers.MISSPELLED_CALLS_BEGINS;
import static dev.anyclaude.toolcall.DeepSeekMarkers.TOOL_SEP;

/**
 * DeepSeek's {@code <｜tool▁calls▁begin｜>} sections, in both call shapes: V3/R1
 * {@code <｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{…}\n```<｜tool▁call▁end｜>} and V3.1
 * {@code <｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}<｜tool▁call▁end｜>}. Every call is its own region, so a
 * call cut off by the end of the stream does not take the complete ones before it down with it; the
 * section end (and an end-of-sentence token) are regions holding no call, i.e. they vanish.
 */
final class DeepSeekCallParser extends RegionParser {

    static final List<String> SECTION_BEGINS = concat(List.of(CALLS_BEGIN), MISSPELLED_CALLS_BEGINS);

    /** Markers that carry nothing: dropped where they stand. */
    private static final List<String> EMPTY = List.of(CALLS_END, END_OF_SENTENCE);

    /** What ends a call's arguments; only the call end belongs to the call. */
    private static final List<String> TERMINATORS = List.of(CALL_END, CALLS_END, CALL_BEGIN, END_OF_SENTENCE);

    /** The type and name before the JSON are short; a longer search means there is no JSON. */
    private static final int HEAD_LIMIT = 1024;


    DeepSeekCallParser(Reasoning reasoning) {
        super(concat(SECTION_BEGINS, List.of(CALL_BEGIN, FUNCTION_SEP), EMPTY), reasoning);
    }

    @SafeVarargs
    static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    @Override
    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
        if (MISSPELLED_CALLS_BEGINS.contains(opener)) {
            // Step-3 also writes <｜tool_calls_begin｜>, with its own (underscored) inner tokens.
            return callFollows(region, opener.length(), atEnd);
        }
        return ToolCallFormat.Claim.YES;
    }

    /** Whether a call (or the section end) follows at {@code at}, after whitespace. */
    static ToolCallFormat.Claim callFollows(String text, int at, boolean atEnd) {
        int i = Scanning.skipWhitespace(text, at);
        boolean partial = false;
        for (String next : List.of(CALL_BEGIN, FUNCTION_SEP, CALLS_END)) {
            if (Scanning.at(text, i, next)) {
                return ToolCallFormat.Claim.YES;
            }
            partial |= Scanning.cutShort(text, i, next);
        }
        return partial && !atEnd ? ToolCallFormat.Claim.MAYBE : ToolCallFormat.Claim.NO;
    }

    /**
     * For sniffing: whether text starting with one of {@code openers} has the V3.1 call shape (JSON right
     * after the separator) when {@code v31}, or the V3 shape (a name line and a fence) when not.
     */
    static ToolCallFormat.Claim claimShape(String text, List<String> openers, boolean v31) {
        String opener = null;
        for (String candidate : openers) {
            if (text.startsWith(candidate) && (opener == null || candidate.length() > opener.length())) {
                opener = candidate;
            }
        }
        if (opener == null) {
            return openers.stream().anyMatch(o -> o.startsWith(text)) ? ToolCallFormat.Claim.MAYBE
                    : ToolCallFormat.Claim.NO;
        }
        int i = opener.length();
        if (SECTION_BEGINS.contains(opener)) {
            ToolCallFormat.Claim follows = callFollows(text, i, false);
            if (follows != ToolCallFormat.Claim.YES) {
                return follows;
            }
            i = Scanning.skipWhitespace(text, i);
            if (Scanning.at(text, i, CALLS_END)) {
                return ToolCallFormat.Claim.YES;
            }
            if (Scanning.at(text, i, FUNCTION_SEP)) {
                return v31 ? ToolCallFormat.Claim.NO : ToolCallFormat.Claim.YES;
            }
            i += CALL_BEGIN.length();
        }
        int sep = text.indexOf(TOOL_SEP, i);
        if (sep < 0) {
            return text.length() - i > 256 ? ToolCallFormat.Claim.NO : ToolCallFormat.Claim.MAYBE;
        }
        int j = Scanning.skipWhitespace(text, sep + TOOL_SEP.length());
        if (j == text.length()) {
            return ToolCallFormat.Claim.MAYBE;
        }
        boolean json = text.charAt(j) == '{' || text.charAt(j) == '[';
        return json == v31 ? ToolCallFormat.Claim.YES : ToolCallFormat.Claim.NO;
    }

    /** Where the call itself starts: after the opener, the whitespace and a call begin; -1 when not known yet. */
    private static int bodyStart(CharSequence region, String opener) {
        if (!SECTION_BEGINS.contains(opener)) {
            return opener.length();
        }
        int i = Scanning.skipWhitespace(region, opener.length());
        if (Scanning.at(region, i, CALL_BEGIN)) {
            return i + CALL_BEGIN.length();
        }
        if (i == region.length() || Scanning.cutShort(region, i, CALL_BEGIN)
                || Scanning.cutShort(region, i, CALLS_END)) {
            return -1;
        }
        return i;
    }

    @Override
    protected RegionScan scan(String opener) {
        if (EMPTY.contains(opener)) {
            return region -> opener.length();
        }
        return new RegionScan() {
            private final BracketScanner.Terminators terminators = new BracketScanner.Terminators(TERMINATORS);
            private int body = -1;
            private int json = -1;
            private boolean jsonSettled;

            @Override
            public int end(CharSequence region) {
                if (body < 0) {
                    body = bodyStart(region, opener);
                    if (body < 0) {
                        return -1;
                    }
                }
                if (SECTION_BEGINS.contains(opener) && Scanning.at(region, body, CALLS_END)) {
                    return body + CALLS_END.length();
                }
                if (!jsonSettled) {
                    json = jsonStart(region, opener, body);
                    // found, or past the length where it could still be found
                    jsonSettled = json >= 0 || region.length() > body + 2 * HEAD_LIMIT + TOOL_SEP.length();
                }
                return terminators.regionEnd(region, body, json, CALL_END);
            }
        };
    }

    /** The first brace or bracket after the separator, or -1 (no separator or no JSON near it). */
    private static int jsonStart(CharSequence region, String opener, int body) {
        int after = body;
        if (!opener.equals(FUNCTION_SEP)) {
            int sep = Scanning.indexOf(region, TOOL_SEP, body);
            if (sep < 0 || sep + TOOL_SEP.length() > Math.min(region.length(), body + HEAD_LIMIT)) {
                return -1;
            }
            after = sep + TOOL_SEP.length();
        }
        int limit = Math.min(region.length(), after + HEAD_LIMIT);
        for (int i = after; i < limit; i++) {
            char c = region.charAt(i);
            if (c == '{' || c == '[') {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
        if (EMPTY.contains(opener)) {
            return List.of();
        }
        int body = bodyStart(region, opener);
        if (body < 0) {
            return failure("the tool-call section was cut off before its first call");
        }
        if (SECTION_BEGINS.contains(opener) && Scanning.at(region, body, CALLS_END)) {
            return List.of();
        }
        Markers.Match end = new BracketScanner.Terminators(TERMINATORS).find(region, jsonStart(region, opener, body),
                body);
        String content = region.substring(body, end == null ? region.length() : end.index());
        String type;
        String afterSep;
        if (opener.equals(FUNCTION_SEP)) {
            type = "function";
            afterSep = content;
        } else {
            int sep = content.indexOf(TOOL_SEP);
            if (sep < 0) {
                return failure("no <\uFF5Ctool\u2581sep\uFF5C> in the call");
            }
            type = content.substring(0, sep).strip();
            afterSep = content.substring(sep + TOOL_SEP.length());
        }
        String name;
        String arguments;
        int first = Scanning.skipWhitespace(afterSep, 0);
        if (first < afterSep.length() && (afterSep.charAt(first) == '{' || afterSep.charAt(first) == '[')) {
            // V3.1: the name stands before the separator, the JSON right after it.
            name = type;
            arguments = afterSep.substring(first);
        } else {
            int nameEnd = afterSep.length();
            for (String stop : List.of("\n", "```", "{")) {
                int at = afterSep.indexOf(stop, first);
                if (at >= 0) {
                    nameEnd = Math.min(nameEnd, at);
                }
            }
            name = afterSep.substring(first, nameEnd).strip();
            arguments = afterSep.substring(nameEnd);
        }
        if (name.isEmpty()) {
            return failure("the call names no function");
        }
        arguments = withoutFences(arguments);
        if (end == null) {
            // Cut off by the end of the stream: usable only if the JSON itself was finished.
            arguments = BracketScanner.completeObject(arguments);
            if (arguments == null) {
                return failure("the output ended before the call's arguments were complete");
            }
        }
        return List.of(new Piece.Call(name, new Arguments.JsonText(arguments.isEmpty() ? "{}" : arguments), region));
    }

    /** The JSON without the markdown fence V3 puts around it (the closing one may be glued to the JSON). */
    private static String withoutFences(String text) {
        String s = text.strip();
        if (s.startsWith("```")) {
            int i = 3;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            s = s.substring(i).strip();
        }
        if (s.endsWith("```")) {
            s = s.substring(0, s.length() - 3).strip();
        }
        return s;
    }
}
