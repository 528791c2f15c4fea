package dev.anyclaude.toolcall;

import java.util.List;
import java.util.Map;

/**
 * A JSON array of calls in {@code <tool_calls>[{"name": N, "arguments": {...}}, ...]</tool_calls>}: AI21
 * Jamba 1.5/1.6 and Tencent Hunyuan-A13B (also Apriel 1.5). Hunyuan wraps its output in
 * {@code <think>\n…\n</think>\n<answer>\n…\n</answer>}: the reasoning becomes thinking, the {@code <answer>}
 * tags are cut out and their text kept (the calls are written inside them). Text after the last call is kept
 * (vLLM drops it).
 */
public final class ToolCallsArrayFormat implements ToolCallFormat {
    public static final String NAME = "tool-calls-array";

    static final String OPEN = "<tool_calls>";
    static final String CLOSE = "</tool_calls>";
    /** Hunyuan's answer tags; the newline its template puts before the closing one goes with it. */
    private static final List<String> DROPPED = List.of("<answer>", "\n</answer>", "</answer>");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FormatParser newParser() {
        return new JsonCallArray.Parser(Map.of(OPEN, CLOSE), DROPPED, Reasoning.THINK);
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN);
    }

    /** An array after {@code <tool_calls>}; an object there is MiniMax-M1's one-call-per-line format. */
    @Override
    public Claim claims(String fromOpener) {
        return JsonCallArray.claimFirst(fromOpener, OPEN, "[");
    }
}
