package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Kimi K2 (Instruct, 0905, K2-Thinking): {@code <|tool_calls_section_begin|>} (some checkpoints write
 * the singular {@code <|tool_call_section_begin|>}) ⟶
 * {@code <|tool_call_begin|>functions.NAME:IDX<|tool_call_argument_begin|>{…}<|tool_call_end|>}, repeated ⟶
 * {@code <|tool_calls_section_end|>}. Reasoning in {@code <think>…</think>}; K2-Thinking calls tools
 * inside its reasoning, where a call ends the reasoning even without section or end markers.
 *
 * <p>The call id's {@code functions.} prefix and {@code :IDX} counter are the format's syntax and are
 * stripped from the name; the id itself may lack the prefix, names may hold {@code -} and {@code .}.
 */
public final class KimiK2Format implements ToolCallFormat {

    static final String SECTION_BEGIN = "<|tool_calls_section_begin|>";
    static final String SECTION_BEGIN_SINGULAR = "<|tool_call_section_begin|>";
    static final String SECTION_END = "<|tool_calls_section_end|>";
    static final String SECTION_END_SINGULAR = "<|tool_call_section_end|>";
    static final String CALL_BEGIN = "<|tool_call_begin|>";
    static final String ARGUMENT_BEGIN = "<|tool_call_argument_begin|>";
    /** A spelling seen in a transcription of Moonshot's guide; accepting it costs nothing. */
    static final String ARGUMENTS_BEGIN = "<|tool_arguments_begin|>";
    static final String CALL_END = "<|tool_call_end|>";

    private static final List<String> OPENERS = List.of(SECTION_BEGIN, SECTION_BEGIN_SINGULAR, CALL_BEGIN);

    @Override
    public String name() {
        return "kimi-k2";
    }

    @Override
    public FormatParser newParser() {
        return new KimiK2Parser();
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        for (String opener : OPENERS) {
            if (fromOpener.startsWith(opener)) {
                return KimiK2Parser.follows(fromOpener, opener, false);
            }
        }
        return OPENERS.stream().anyMatch(o -> o.startsWith(fromOpener)) ? Claim.MAYBE : Claim.NO;
    }
}
