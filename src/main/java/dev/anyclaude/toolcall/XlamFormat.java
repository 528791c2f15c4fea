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
        String opener = fromOpener.startsWith(TOOL_CALLS) ? TOOL_CALLS : TOOL_CALL;
        int i = JsonCalls.skipSpace(fromOpener, opener.length());
        if (i >= fromOpener.length()) {
            return Claim.MAYBE;
        }
        return fromOpener.charAt(i) == '[' ? Claim.YES : Claim.NO;
    }

    @Override
    public FormatParser newParser() {
        return new LeadingCallParser(new Regions(), new BareCallArray(true), "</think>");
    }

    private static final class Regions extends BracketRegionParser {
        Regions() {
            super(OPENERS, List.of(), Reasoning.THINK, false);
        }

        @Override
        protected Claim accepts(String region, String opener, boolean atEnd) {
            int i = JsonCalls.skipSpace(region, opener.length());
            if (i >= region.length()) {
                return atEnd ? Claim.NO : Claim.MAYBE;
            }
            char c = region.charAt(i);
            return c == '[' || c == '{' ? Claim.YES : Claim.NO;
        }

        @Override
        protected int bodyStart(String region, String opener) {
            int i = JsonCalls.skipSpace(region, opener.length());
            return i >= region.length() ? MORE : i;
        }

        @Override
        protected List<String> closers(String opener) {
            return opener.equals(TOOL_CALL) ? List.of("</tool_call>") : List.of();
        }

        @Override
        protected List<Piece.Call> parseBody(String body, String region, String opener) {
            try {
                return JsonCalls.read(body, region, JsonCalls.Rules.MARKED);
            } catch (JsonCalls.NotCalls notCalls) {
                return failure(notCalls.getMessage());
            }
        }
    }
}
