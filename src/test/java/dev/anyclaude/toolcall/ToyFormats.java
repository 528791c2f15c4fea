package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.function.Function;

/**
 * Small formats that exercise the engine without depending on a real family: {@code <call>NAME ARGS</call>}
 * in several reasoning set-ups, and two formats that share the {@code <call>} opener and tell their text
 * apart by what follows it (as Hermes and Qwen3-Coder share {@code <tool_call>}).
 */
public final class ToyFormats {
    private ToyFormats() {
    }

    /** {@code <call>NAME JSON</call>}, reasoning in {@code <think>}. */
    public static final ToolCallFormat TOY = nameThenJson("toy", Reasoning.THINK);

    /** As {@link #TOY}, calls honoured inside reasoning too. */
    public static final ToolCallFormat TOY_CALLS_IN_REASONING = nameThenJson("toy-reasoning",
            Reasoning.THINK.withCallsInside());

    /** As {@link #TOY}, the output starting inside reasoning (the template opened it). */
    public static final ToolCallFormat TOY_STARTS_INSIDE = nameThenJson("toy-inside", Reasoning.THINK.startingInside());

    /** {@code <call>{"name": N, "arguments": {...}}</call>}: claims {@code <call>} followed by {@code {}. */
    public static final ToolCallFormat TOY_JSON = format("toy-json", Reasoning.THINK, body -> {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (RuntimeException e) {
            return null;
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isString()) {
            return null;
        }
        return new Piece.Call(name.stringValue(), new Arguments.JsonText(Json.string(node.path("arguments"))), null);
    }, rest -> rest.isEmpty() ? ToolCallFormat.Claim.MAYBE
            : rest.startsWith("{") ? ToolCallFormat.Claim.YES : ToolCallFormat.Claim.NO);

    /** {@code <call><fn=N>{...}</fn></call>}: claims {@code <call>} followed by {@code <fn=}. */
    public static final ToolCallFormat TOY_XML = format("toy-xml", Reasoning.THINK, body -> {
        if (!body.startsWith("<fn=") || !body.endsWith("</fn>") || body.indexOf('>') < 0) {
            return null;
        }
        int close = body.indexOf('>');
        return new Piece.Call(body.substring(4, close),
                new Arguments.JsonText(body.substring(close + 1, body.length() - "</fn>".length())), null);
    }, rest -> "<fn=".startsWith(rest) ? ToolCallFormat.Claim.MAYBE
            : rest.startsWith("<fn=") ? ToolCallFormat.Claim.YES : ToolCallFormat.Claim.NO);

    private static ToolCallFormat nameThenJson(String name, Reasoning reasoning) {
        return format(name, reasoning, body -> {
            int space = body.indexOf(' ');
            if (space < 0) {
                return null;
            }
            return new Piece.Call(body.substring(0, space), new Arguments.JsonText(body.substring(space + 1)), null);
        }, rest -> ToolCallFormat.Claim.YES);
    }

    /**
     * A format with opener {@code <call>} and closer {@code </call>}; {@code body} reads the stripped text
     * between them (null: unreadable); {@code claim} judges the stripped text after the opener.
     */
    static ToolCallFormat format(String name, Reasoning reasoning, Function<String, Piece.Call> body,
                                 Function<String, ToolCallFormat.Claim> claim) {
        return new ToolCallFormat() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public FormatParser newParser() {
                return new RegionParser(List.of("<call>"), reasoning) {
                    @Override
                    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
                        ToolCallFormat.Claim c = claims(region);
                        return c == ToolCallFormat.Claim.MAYBE && atEnd ? ToolCallFormat.Claim.NO : c;
                    }

                    @Override
                    protected RegionScan scan(String opener) {
                        return region -> {
                            int end = region.toString().indexOf("</call>", opener.length());
                            return end < 0 ? -1 : end + "</call>".length();
                        };
                    }

                    @Override
                    protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
                        String inner = region.substring(opener.length());
                        if (inner.endsWith("</call>")) {
                            inner = inner.substring(0, inner.length() - "</call>".length());
                        }
                        Piece.Call call = body.apply(inner.strip());
                        if (call == null) {
                            return failure("the " + name + " call could not be read");
                        }
                        return List.of(new Piece.Call(call.name(), call.arguments(), region));
                    }
                };
            }

            @Override
            public List<String> openers() {
                return List.of("<call>");
            }

            @Override
            public Claim claims(String fromOpener) {
                return claim.apply(fromOpener.substring("<call>".length()).stripLeading());
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
