package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Phi-4-mini (and FireFunction v2): {@code functools[{"name": …, "arguments": {…}}, …]} with no closing
 * marker (the array's end, found by bracket matching, ends the call, so brackets in argument values do
 * not), and the wrappers other templates ask for: {@code <|tool_call|>…<|/tool_call|>} and
 * {@code <|tool_calls|>…<|/tool_calls|>}, around an array or one object, with or without {@code functools}.
 * {@code functools} alone is an ordinary word: it opens a call only when {@code [{} follows.
 */
public final class Phi4MiniFormat implements ToolCallFormat {
    static final String FUNCTOOLS = "functools";
    static final String TOOL_CALL = "<|tool_call|>";
    static final String TOOL_CALLS = "<|tool_calls|>";
    private static final List<String> OPENERS = List.of(FUNCTOOLS, TOOL_CALL, TOOL_CALLS);
    private static final List<String> CLOSERS = List.of("<|/tool_call|>", "<|/tool_calls|>");

    @Override
    public String name() {
        return "phi4-mini";
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        return accept(fromOpener, openerOf(fromOpener), false);
    }

    private static String openerOf(String fromOpener) {
        for (String opener : OPENERS) {
            if (fromOpener.startsWith(opener)) {
                return opener;
            }
        }
        return FUNCTOOLS;
    }

    /** {@code functools} needs {@code [ {} after it; the wrappers need a JSON value or {@code functools}. */
    private static Claim accept(String region, String opener, boolean atEnd) {
        Claim more = atEnd ? Claim.NO : Claim.MAYBE;
        int i = Scanning.skipWhitespace(region, opener.length());
        if (i >= region.length()) {
            return more;
        }
        if (opener.equals(FUNCTOOLS)) {
            if (region.charAt(i) != '[') {
                return Claim.NO;
            }
            i = Scanning.skipWhitespace(region, i + 1);
            if (i >= region.length()) {
                return more;
            }
            return region.charAt(i) == '{' ? Claim.YES : Claim.NO;
        }
        char c = region.charAt(i);
        if (c == '[' || c == '{' || region.startsWith(FUNCTOOLS, i)) {
            return Claim.YES;
        }
        return FUNCTOOLS.startsWith(region.substring(i)) ? more : Claim.NO;
    }

    @Override
    public FormatParser newParser() {
        return new BracketRegionParser.JsonCallRegions(OPENERS, List.of(), Reasoning.NONE, JsonCalls.Rules.MARKED,
                opener -> opener.equals(FUNCTOOLS) ? List.of() : CLOSERS) {
            @Override
            protected Claim accepts(String region, String opener, boolean atEnd) {
                return accept(region, opener, atEnd);
            }

            @Override
            protected int bodyStart(String region, String opener) {
                int i = Scanning.skipWhitespace(region, opener.length());
                if (!opener.equals(FUNCTOOLS)) {
                    if (region.startsWith(FUNCTOOLS, i)) {
                        i = Scanning.skipWhitespace(region, i + FUNCTOOLS.length());
                    } else if (i < region.length() && FUNCTOOLS.startsWith(region.substring(i))) {
                        return MORE;
                    }
                }
                if (i >= region.length()) {
                    return MORE;
                }
                char c = region.charAt(i);
                return c == '[' || c == '{' ? i : NONE;
            }
        };
    }
}
