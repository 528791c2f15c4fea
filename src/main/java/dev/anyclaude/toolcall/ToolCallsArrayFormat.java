package dev.anyclaude.toolcall;

import java.util.List;

/**
 * A JSON array of calls in {@code <tool_calls>[{"name": N, "arguments": {...}}, ...]</tool_calls>}: AI21
 * Jamba 1.5/1.6 and Tencent Hunyuan-A13B (also Apriel 1.5). Hunyuan wraps its output in
 * {@code <think>\n…\n</think>\n<answer>\n…\n</answer>}: the reasoning becomes thinking, the {@code <answer>}
 * tags are cut out and their text kept (the calls are written inside them). Text after the last call is kept
 * (vLLM drops it).
 */
public final class ToolCallsArrayFormat extends JsonCallArray.Format {
    public static final String NAME = "tool-calls-array";

    static final String OPEN = "<tool_calls>";
    static final String CLOSE = "</tool_calls>";

    /**
     * Hunyuan's answer tags are dropped (the newline its template puts before the closing one goes with it).
     * Only an array after {@code <tool_calls>} is claimed: an object there is MiniMax-M1's one-call-per-line format.
     */
    public ToolCallsArrayFormat() {
        super(NAME, OPEN, CLOSE, List.of("<answer>", "\n</answer>", "</answer>"), Reasoning.THINK, "[");
    }
}
