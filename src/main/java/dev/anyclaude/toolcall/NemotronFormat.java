package dev.anyclaude.toolcall;

import java.util.List;

/**
 * NVIDIA Nemotron-Nano-v2 (and the Llama-Nemotron models that use the same tags):
 * {@code <TOOLCALL>[{"name": N, "arguments": {...}}, ...]</TOOLCALL>}, reasoning in {@code <think>…</think>}.
 * The end-of-turn token {@code <SPECIAL_12>} that some servers leave after the calls is cut out.
 */
public final class NemotronFormat extends JsonCallArray.Format {
    public static final String NAME = "nemotron";

    static final String OPEN = "<TOOLCALL>";
    static final String CLOSE = "</TOOLCALL>";

    public NemotronFormat() {
        super(NAME, OPEN, CLOSE, List.of("<SPECIAL_12>"), Reasoning.THINK, "[{");
    }
}
