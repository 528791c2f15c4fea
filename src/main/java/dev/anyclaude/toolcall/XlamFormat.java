package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Salesforce xLAM: the answer is either text or only the call list
 * {@code [{"name": …, "arguments": {…}}, …]}, written bare, in a {@code ```json} fence, after
 * {@code [TOOL_CALLS]} or inside {@code <tool_call>…</tool_call>}, possibly after reasoning that ends in
 * {@code </think>}.
 *
 * <p>After {@code [TOOL_CALLS]} or {@code <tool_call>} the list (or one call object) is a call wherever it
 * stands. Without a marker the decision is conservative, because a JSON array in an answer is usually
 * just an answer: a bare or fenced list is a call only at the very start of the output (or right after the
 * first {@code </think>}), only when it is strict JSON whose every element has a {@code name} and
 * {@code arguments} (and a fence holds nothing but the list). Text after such a list stays text; a fenced
 * list after some prose is an example, i.e. text.
 */
public final class XlamFormat implements ToolCallFormat {
    static final String TOOL_CALLS = "[TOOL_CALLS]";
    static final String TOOL_CALL = "<tool_call>";
    private static final List<String> OPENERS = List.of(TOOL_CALLS, TOOL_CALL);
    private static final List<String> CLOSERS = List.of("</tool_call>");

    @Override
    public String name() {
        return "xlam";
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        return JsonCallArray.claimFirst(fromOpener, OPENERS, "[");
    }

    @Override
    public FormatParser newParser() {
        BracketRegionParser regions = new BracketRegionParser.JsonCallRegions(OPENERS, List.of(), Reasoning.THINK,
                JsonCalls.Rules.MARKED, opener -> opener.equals(TOOL_CALL) ? CLOSERS : List.of());
        return new LeadingCallParser(regions, new BareCallArray(true), "</think>");
    }
}
