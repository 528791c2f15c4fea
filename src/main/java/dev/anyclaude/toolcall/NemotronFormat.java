package dev.anyclaude.toolcall;

import java.util.List;
import java.util.Map;

/**
 * NVIDIA Nemotron-Nano-v2 (and the Llama-Nemotron models that use the same tags):
 * {@code <TOOLCALL>[{"name": N, "arguments": {...}}, ...]</TOOLCALL>}, reasoning in {@code <think>…</think>}.
 * The end-of-turn token {@code <SPECIAL_12>} that some servers leave after the calls is cut out.
 */
public final class NemotronFormat implements ToolCallFormat {
    public static final String NAME = "nemotron";

    static final String OPEN = "<TOOLCALL>";
    static final String CLOSE = "</TOOLCALL>";
    private static final List<String> DROPPED = List.of("<SPECIAL_12>");

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

    @Override
    public Claim claims(String fromOpener) {
        return JsonCallArray.claimFirst(fromOpener, OPEN, "[{");
    }
}
