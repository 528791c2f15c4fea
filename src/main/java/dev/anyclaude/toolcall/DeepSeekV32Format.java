package dev.anyclaude.toolcall;

import java.util.List;

/**
 * DeepSeek V3.2 (and V4) DSML: {@code <｜DSML｜function_calls>} (V4: {@code <｜DSML｜tool_calls>}) ⟶
 * {@code <｜DSML｜invoke name="N">} + {@code <｜DSML｜parameter name="P" string="true">v</｜DSML｜parameter>}
 * ⟶ {@code </｜DSML｜invoke>} ⟶ {@code </｜DSML｜function_calls>}. {@code string="true"} values are
 * strings whatever they look like, {@code string="false"} values are JSON. The bars are U+FF5C; the
 * ASCII-bar spelling some servers and copies show is accepted too.
 *
 * <p>Thinking mode opens {@code <think>} in the prompt: use {@link #startingInReasoning()}
 * ({@code deepseek-v32-thinking}) when the request asked for thinking.
 */
public final class DeepSeekV32Format extends DeepSeekFormat {

    public DeepSeekV32Format() {
        this("deepseek-v32", Reasoning.THINK);
    }

    private DeepSeekV32Format(String name, Reasoning reasoning) {
        super(name, reasoning);
    }

    /** Thinking mode: the template opened {@code <think>}, the output starts in reasoning. */
    public static DeepSeekV32Format startingInReasoning() {
        return new DeepSeekV32Format("deepseek-v32-thinking", Reasoning.THINK.startingInside());
    }

    @Override
    public FormatParser newParser() {
        return LeadingMarkerDropped.whenStartingInside(new DsmlParser(reasoning), reasoning);
    }

    @Override
    public List<String> openers() {
        return DsmlParser.BLOCK_BEGINS;
    }

    @Override
    public Claim claims(String fromOpener) {
        for (String opener : DsmlParser.BLOCK_BEGINS) {
            if (fromOpener.startsWith(opener)) {
                return DsmlParser.blockFollows(fromOpener, opener, false);
            }
        }
        return DsmlParser.BLOCK_BEGINS.stream().anyMatch(o -> o.startsWith(fromOpener)) ? Claim.MAYBE : Claim.NO;
    }
}
