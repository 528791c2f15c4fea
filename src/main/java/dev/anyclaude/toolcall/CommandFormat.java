package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Cohere Command R7B and Command A: {@code <|START_ACTION|>[{"tool_call_id": "0", "tool_name": N,
 * "parameters": {...}}, ...]<|END_ACTION|>}, reasoning in {@code <|START_THINKING|>…<|END_THINKING|>}, the
 * answer in {@code <|START_RESPONSE|>…<|END_RESPONSE|>} (the tags are cut out, the text kept). The close
 * marker is often missing at the end of the stream. The native {@code tool_call_id} is not carried on.
 */
public final class CommandFormat extends JsonCallArray.Format {
    public static final String NAME = "command";

    static final String START_ACTION = "<|START_ACTION|>";
    static final String END_ACTION = "<|END_ACTION|>";

    /**
     * Text markers are cut out and the text between them kept: the response tags, and the end-of-turn token
     * when a server leaves it in.
     */
    public CommandFormat() {
        super(NAME, START_ACTION, END_ACTION, List.of("<|START_RESPONSE|>", "<|END_RESPONSE|>",
                "<|END_OF_TURN_TOKEN|>"), new Reasoning("<|START_THINKING|>", "<|END_THINKING|>", false, false), "[{");
    }
}
