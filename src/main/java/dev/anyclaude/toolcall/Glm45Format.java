package dev.anyclaude.toolcall;

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
public final class Glm45Format extends GlmCalls.Format {

    public Glm45Format() {
        this(false);
    }

    /** @param reasoningStartsInside the prompt template opened {@code <think>} */
    public Glm45Format(boolean reasoningStartsInside) {
        super("glm45", reasoningStartsInside ? Reasoning.THINK.startingInside() : Reasoning.THINK, false);
    }
}
