package dev.anyclaude.toolcall;

import java.util.List;

/**
 * ByteDance Seed-OSS calls: Qwen3-Coder's grammar inside {@code <seed:tool_call>}…{@code </seed:tool_call>}
 * (parsed by the same {@link FunctionTagScanner}), reasoning in {@code <seed:think>}…{@code </seed:think>}.
 *
 * <p>The model's budget notes, {@code <seed:cot_budget_reflect>}…{@code </seed:cot_budget_reflect>}, are
 * reasoning about its reasoning: they become thinking (tags dropped) inside and outside the think block,
 * never visible text, and are not thrown away (the thinking block shows what the model saw).
 */
public final class SeedOssFormat implements ToolCallFormat {

    static final String OPEN = "<seed:tool_call>";
    static final String CLOSE = "</seed:tool_call>";
    static final Reasoning REASONING = new Reasoning("<seed:think>", "</seed:think>", false, false);
    static final String REFLECT_OPEN = "<seed:cot_budget_reflect>";
    static final String REFLECT_CLOSE = "</seed:cot_budget_reflect>";

    @Override
    public String name() {
        return "seed-oss";
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN);
    }

    @Override
    public Claim claims(String fromOpener) {
        return FunctionTagScanner.claim(fromOpener, OPEN, CLOSE, false);
    }

    @Override
    public FormatParser newParser() {
        return new SpanAsThinking(FunctionTagScanner.parser(openers(), REASONING, OPEN, CLOSE), REFLECT_OPEN,
                REFLECT_CLOSE);
    }
}
