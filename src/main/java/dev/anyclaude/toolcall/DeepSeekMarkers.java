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
    static final class Dsml {
        static final Dsml FULLWIDTH = new Dsml(BAR);
        static final Dsml ASCII = new Dsml("|");

        private final String functionCalls;
        private final String functionCallsEnd;
        private final String toolCalls;
        private final String toolCallsEnd;
        private final String invoke;
        private final String invokeEnd;
        private final String parameter;
        private final String parameterEnd;
        private final List<String> blockEnds;
        private final List<String> followers;

        private Dsml(String bar) {
            String dsml = bar + "DSML" + bar;
            functionCalls = "<" + dsml + "function_calls>";
            functionCallsEnd = "</" + dsml + "function_calls>";
            toolCalls = "<" + dsml + "tool_calls>";
            toolCallsEnd = "</" + dsml + "tool_calls>";
            invoke = "<" + dsml + "invoke";
            invokeEnd = "</" + dsml + "invoke>";
            parameter = "<" + dsml + "parameter";
            parameterEnd = "</" + dsml + "parameter>";
            blockEnds = List.of(functionCallsEnd, toolCallsEnd);
            followers = List.of(parameter, invokeEnd, invoke, functionCallsEnd, toolCallsEnd);
        }

        /** The ends of a block, V3.2's and V4's. */
        List<String> blockEnds() {
            return blockEnds;
        }

        /** What may follow a parameter's closing tag: the next parameter, the invoke's end, an invoke, a block end. */
        List<String> followers() {
            return followers;
        }

        String functionCalls() {
            return functionCalls;
        }

        String functionCallsEnd() {
            return functionCallsEnd;
        }

        /** V4 names the block {@code tool_calls}. */
        String toolCalls() {
            return toolCalls;
        }

        String toolCallsEnd() {
            return toolCallsEnd;
        }

        String invoke() {
            return invoke;
        }

        String invokeEnd() {
            return invokeEnd;
        }

        String parameter() {
            return parameter;
        }

        String parameterEnd() {
            return parameterEnd;
        }

        static Dsml of(String marker) {
            return marker.contains(BAR) ? FULLWIDTH : ASCII;
        }
    }
}
