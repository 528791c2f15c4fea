package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Liquid LFM2: {@code <|tool_call_start|>[get_time(city="Paris"), …]<|tool_call_end|>}, a pythonic call list
 * (read by {@link PythonLiterals}) or a JSON array of {@code {"name", "arguments"}} objects; reasoning in
 * {@code <think>…</think>}. The list's closing bracket ends the call (a missing end marker is common), so an
 * end marker written inside a string value does not. Calls written without the brackets
 * ({@code <|tool_call_start|>f(a=1)<|tool_call_end|>}) are read up to the end marker.
 */
public final class Lfm2Format implements ToolCallFormat {
    static final String START = "<|tool_call_start|>";
    static final String END = "<|tool_call_end|>";
    private static final List<String> OPENERS = List.of(START);
    private static final List<String> CLOSERS = List.of(END);

    @Override
    public String name() {
        return "lfm2";
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        return Claim.YES;
    }

    @Override
    public FormatParser newParser() {
        return new BracketRegionParser(OPENERS, List.of(), Reasoning.THINK, true) {
            @Override
            protected int bodyStart(String region, String opener) {
                int i = Scanning.skipWhitespace(region, opener.length());
                if (i >= region.length()) {
                    return MORE;
                }
                return region.charAt(i) == '[' ? i : NONE;
            }

            @Override
            protected List<String> closers(String opener) {
                return CLOSERS;
            }

            @Override
            protected List<Piece.Call> parseBody(String body, String region, String opener) {
                int first = Scanning.skipWhitespace(body, 1);
                if (first < body.length() && body.charAt(first) == '{') {
                    try {
                        return JsonCalls.read(body, region, JsonCalls.Rules.MARKED);
                    } catch (JsonCalls.NotCalls notCalls) {
                        return failure(notCalls.getMessage());
                    }
                }
                return pythonic(body, region);
            }

            @Override
            protected List<Piece.Call> parseUnstructured(String region, String opener, boolean atEnd) {
                int end = region.indexOf(END, opener.length());
                return pythonic(region.substring(opener.length(), end < 0 ? region.length() : end), region);
            }

            private List<Piece.Call> pythonic(String body, String region) {
                try {
                    return PythonLiterals.read(body, region);
                } catch (PythonLiterals.NotLiteral notLiteral) {
                    return failure("not a pythonic call list: " + notLiteral.getMessage());
                }
            }
        };
    }
}
