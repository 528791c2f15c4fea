package dev.anyclaude.toolcall;

import java.util.List;
import java.util.Map;

/**
 * Cohere Command R7B and Command A: {@code <|START_ACTION|>[{"tool_call_id": "0", "tool_name": N,
 * "parameters": {...}}, ...]<|END_ACTION|>}, reasoning in {@code <|START_THINKING|>…<|END_THINKING|>}, the
 * answer in {@code <|START_RESPONSE|>…<|END_RESPONSE|>} (the tags are cut out, the text kept). The close
 * marker is often missing at the end of the stream. The native {@code tool_call_id} is not carried on.
 */
public final class CommandFormat implements ToolCallFormat {
    public static final String NAME = "command";

    static final String START_ACTION = "<|START_ACTION|>";
    static final String END_ACTION = "<|END_ACTION|>";
    private static final Reasoning REASONING = new Reasoning("<|START_THINKING|>", "<|END_THINKING|>", false, false);
    /** Text markers: cut out, the text between them kept; the end-of-turn token when a server leaves it in. */
    private static final List<String> DROPPED = List.of("<|START_RESPONSE|>", "<|END_RESPONSE|>",
            "<|END_OF_TURN_TOKEN|>");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FormatParser newParser() {
        return new JsonCallArray.Parser(Map.of(START_ACTION, END_ACTION), DROPPED, REASONING);
    }

    @Override
    public List<String> openers() {
        return List.of(START_ACTION);
    }

    @Override
    public Claim claims(String fromOpener) {
        return JsonCallArray.claimFirst(fromOpener, START_ACTION, "[{");
    }
}
