package dev.anyclaude.toolcall;

import java.util.List;

/**
 * DeepSeek V3 / V3-0324 / R1 / R1-0528 and the R1 distills:
 * {@code <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{…}\n```<｜tool▁call▁end｜>…<｜tool▁calls▁end｜>},
 * the section begins the distills misspell, and reasoning in {@code <think>…</think>}.
 *
 * <p>R1-0528 and the distills get {@code <think>\n} from their prompt template, so their output begins
 * inside reasoning and only {@code </think>} appears: use {@link #startingInReasoning()} for them
 * ({@code deepseek-r1}); the plain V3 chat models never reason.
 */
public final class DeepSeekV3Format extends DeepSeekFormat.Sections {

    private static final List<String> OPENERS = DeepSeekCallParser.concat(
            DeepSeekCallParser.SECTION_BEGINS, List.of(DeepSeekMarkers.CALL_BEGIN));

    public DeepSeekV3Format() {
        this("deepseek-v3", Reasoning.THINK);
    }

    private DeepSeekV3Format(String name, Reasoning reasoning) {
        super(name, reasoning, OPENERS, false);
    }

    /** R1-0528 and distills: the template opened {@code <think>}, the output starts in reasoning. */
    public static DeepSeekV3Format startingInReasoning() {
        return new DeepSeekV3Format("deepseek-r1", Reasoning.THINK.startingInside());
    }
}
