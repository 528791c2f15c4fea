package dev.anyclaude.toolcall;

import java.util.List;

/**
 * GLM-4.5 / GLM-4.6 / GLM-4.5-Air calls:
 * <pre>
 * &lt;tool_call&gt;Bash
 * &lt;arg_key&gt;command&lt;/arg_key&gt;
 * &lt;arg_value&gt;ls -la&lt;/arg_value&gt;
 * &lt;/tool_call&gt;
 * </pre>
 * also {@code <tool_call>get_time</tool_call>} without arguments and a literal backslash-n between the tags.
 * Values are untyped (strings raw, everything else JSON: the schema decides). Reasoning is
 * {@code <think>}…{@code </think>}. See {@link GlmCalls}.
 */
public final class Glm45Format implements ToolCallFormat {

    private final Reasoning reasoning;

    public Glm45Format() {
        this(false);
    }

    /** @param reasoningStartsInside the prompt template opened {@code <think>} */
    public Glm45Format(boolean reasoningStartsInside) {
        this.reasoning = reasoningStartsInside ? Reasoning.THINK.startingInside() : Reasoning.THINK;
    }

    @Override
    public String name() {
        return "glm45";
    }

    @Override
    public List<String> openers() {
        return List.of(GlmCalls.OPEN);
    }

    @Override
    public Claim claims(String fromOpener) {
        return GlmCalls.claim(fromOpener, false);
    }

    @Override
    public FormatParser newParser() {
        return new GlmCalls.Parser(reasoning);
    }
}
