package dev.anyclaude.toolcall;

/**
 * GLM-4.7 / GLM-4.7-Flash / GLM-5 calls: GLM-4.5's tags without newlines,
 * {@code <tool_call>Read<arg_key>file_path</arg_key><arg_value>a.txt</arg_value></tool_call>}. The prompt
 * template opens {@code <think>}, so the output starts inside reasoning and only {@code </think>} appears (a
 * leading {@code <think>}, from a template that does not open it, is dropped). A call written before
 * {@code </think>} is still a call: the format is unmistakable and a lost call stalls the agent.
 */
public final class Glm47Format extends GlmCalls.Format {

    public Glm47Format() {
        this(true);
    }

    /**
     * @param reasoningStartsInside false when the output does not start inside reasoning (thinking turned off,
     *                              or a server that already separated the reasoning)
     */
    public Glm47Format(boolean reasoningStartsInside) {
        super("glm47", reasoningStartsInside ? Reasoning.THINK.withCallsInside().startingInside()
                : Reasoning.THINK.withCallsInside(), true);
    }
}
