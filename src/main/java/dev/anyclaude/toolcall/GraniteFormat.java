package dev.anyclaude.toolcall;

import java.util.List;

/**
 * IBM Granite 3.x: {@code <|tool_call|>[{"name": …, "arguments": {…}}, …]} (3.0) or the same array after
 * the plain string {@code <tool_call>} (3.1+), with no closing marker: the array ends the region. A
 * {@code </tool_call>} or {@code <|/tool_call|>} right after it is taken along. An element may name its tool
 * in {@code "type"}. Granite 3.3 reasons in {@code <think>…</think>} and wraps its answer in
 * {@code <response>…</response>}, whose tags are dropped and whose text is kept.
 *
 * <p>{@code <tool_call>} is shared: this format claims it only when a {@code [} follows ({@code {} is
 * Hermes, which Granite 4 writes). Given a {@code <tool_call>{…}</tool_call>} anyway, the parser reads it.
 */
public final class GraniteFormat implements ToolCallFormat {
    static final String TOOL_CALL_TOKEN = "<|tool_call|>";
    static final String TOOL_CALL = "<tool_call>";
    private static final List<String> OPENERS = List.of(TOOL_CALL_TOKEN, TOOL_CALL);
    private static final List<String> RESPONSE_TAGS = List.of("<response>", "</response>");
    private static final List<String> CLOSERS = List.of("</tool_call>", "<|/tool_call|>");
    private static final JsonCalls.Rules RULES = new JsonCalls.Rules(JsonCalls.Trust.MARKED, true);

    @Override
    public String name() {
        return "granite";
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
        return new BracketRegionParser.JsonCallRegions(OPENERS, RESPONSE_TAGS, Reasoning.THINK, RULES,
                opener -> CLOSERS);
    }
}
