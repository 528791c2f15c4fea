package dev.anyclaude.toolcall;

import java.util.List;

/**
 * DeepSeek V3.1 / V3.1-Terminus:
 * {@code <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}<｜tool▁call▁end｜>…<｜tool▁calls▁end｜>},
 * no call type and no fence.
 *
 * <p>The template ends the prompt with {@code <think>} in thinking mode and with {@code </think>}
 * otherwise, so a thinking response reads {@code REASONING</think>CONTENT}: use
 * {@link #startingInReasoning()} ({@code deepseek-v31-thinking}) when the request asked for thinking.
 * Without it a bare {@code </think>} is dropped and the reasoning before it stays text.
 */
public final class DeepSeekV31Format extends DeepSeekFormat.Sections {

    private static final List<String> OPENERS = List.of(DeepSeekMarkers.CALLS_BEGIN, DeepSeekMarkers.CALL_BEGIN);

    public DeepSeekV31Format() {
        this("deepseek-v31", Reasoning.THINK);
    }

    private DeepSeekV31Format(String name, Reasoning reasoning) {
        super(name, reasoning, OPENERS, true);
    }

    /** Thinking mode: the template opened {@code <think>}, the output starts in reasoning. */
    public static DeepSeekV31Format startingInReasoning() {
        return new DeepSeekV31Format("deepseek-v31-thinking", Reasoning.THINK.startingInside());
    }
}
