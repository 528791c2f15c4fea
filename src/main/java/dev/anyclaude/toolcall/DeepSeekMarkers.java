package dev.anyclaude.toolcall;

import java.util.List;

/**
 * DeepSeek's special tokens. Their bars are U+FF5C FULLWIDTH VERTICAL LINE and their word separators
 * U+2581 LOWER ONE EIGHTH BLOCK; they are built from escapes here so nobody retypes them with ASCII.
 */
final class DeepSeekMarkers {
    private DeepSeekMarkers() {
    }

    static final String BAR = "\uFF5C";
    static final String SEP = "\u2581";

    private static String token(String... words) {
        return "<" + BAR + String.join(SEP, words) + BAR + ">";
    }

    static final String CALLS_BEGIN = token("tool", "calls", "begin");
    static final String CALLS_END = token("tool", "calls", "end");
    static final String CALL_BEGIN = token("tool", "call", "begin");
    static final String CALL_END = token("tool", "call", "end");
    static final String TOOL_SEP = token("tool", "sep");
    static final String END_OF_SENTENCE = token("end", "of", "sentence");

    /**
     * Section begins written by R1 and its distills instead of {@link #CALLS_BEGIN} (llama.cpp accepts
     * the same): ASCII underscores, spaces, escaped underscores, and the begin word left out.
     */
    static final List<String> MISSPELLED_CALLS_BEGINS = List.of(
            "<" + BAR + "tool_calls_begin" + BAR + ">",
            "<" + BAR + "tool calls begin" + BAR + ">",
            "<" + BAR + "tool\\_calls\\_begin" + BAR + ">",
            token("tool", "calls"));

    /** V3 writes the call type before the separator: {@code function<｜tool▁sep｜>NAME}. */
    static final String FUNCTION_SEP = "function" + TOOL_SEP;

    /**
     * The DSML tags of V3.2 / V4 for one kind of bar: the real U+FF5C, or an ASCII {@code |} some servers
     * and copies show.
     */
    record Dsml(String bar) {
        static final Dsml FULLWIDTH = new Dsml(BAR);
        static final Dsml ASCII = new Dsml("|");

        String functionCalls() {
            return "<" + bar + "DSML" + bar + "function_calls>";
        }

        String functionCallsEnd() {
            return "</" + bar + "DSML" + bar + "function_calls>";
        }

        /** V4 names the block {@code tool_calls}. */
        String toolCalls() {
            return "<" + bar + "DSML" + bar + "tool_calls>";
        }

        String toolCallsEnd() {
            return "</" + bar + "DSML" + bar + "tool_calls>";
        }

        String invoke() {
            return "<" + bar + "DSML" + bar + "invoke";
        }

        String invokeEnd() {
            return "</" + bar + "DSML" + bar + "invoke>";
        }

        String parameter() {
            return "<" + bar + "DSML" + bar + "parameter";
        }

        String parameterEnd() {
            return "</" + bar + "DSML" + bar + "parameter>";
        }

        static Dsml of(String marker) {
            return marker.contains(BAR) ? FULLWIDTH : ASCII;
        }
    }
}
