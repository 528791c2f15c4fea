package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Qwen3-Coder XML calls, also written by Qwen3.5 / 3.6, Qwen3-Coder-Next, Nemotron-3-Nano and
 * Step-3.5-Flash:
 * <pre>
 * &lt;tool_call&gt;
 * &lt;function=Write&gt;
 * &lt;parameter=file_path&gt;
 * /tmp/a.txt
 * &lt;/parameter&gt;
 * &lt;/function&gt;
 * &lt;/tool_call&gt;
 * </pre>
 * Values are untyped text (one newline dropped at each end) typed later by the tool's schema. Also read:
 * a bare {@code <function=...>} without {@code <tool_call>}, missing closing tags, closing tags inside code
 * values (see {@link FunctionTagScanner}). {@code <tool_call>} is this format's only when {@code <function=}
 * follows, which keeps it apart from Hermes (an opening brace) and GLM (a bare name), and keeps prose about the tag
 * in reasoning from becoming a call.
 *
 * <p>Reasoning is {@code <think>}…{@code </think>}. Qwen3.5 may start a call inside its reasoning without
 * closing it: a complete call there is honoured and ends the reasoning.
 */
public final class Qwen3CoderFormat implements ToolCallFormat {

    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    private final Reasoning reasoning;

    public Qwen3CoderFormat() {
        this(false);
    }

    /**
     * @param reasoningStartsInside the prompt template opened {@code <think>} (Qwen3.5 / 3.6 with thinking on):
     *                              the output is reasoning up to {@code </think>} or the first call
     */
    public Qwen3CoderFormat(boolean reasoningStartsInside) {
        Reasoning think = Reasoning.THINK.withCallsInside();
        this.reasoning = reasoningStartsInside ? think.startingInside() : think;
    }

    @Override
    public String name() {
        return "qwen3-coder";
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN, FunctionTagScanner.FUNCTION);
    }

    @Override
    public Claim claims(String fromOpener) {
        return FunctionTagScanner.claim(fromOpener, OPEN, CLOSE, false);
    }

    @Override
    public FormatParser newParser() {
        return FunctionTagScanner.parser(openers(), reasoning, OPEN, CLOSE);
    }
}
