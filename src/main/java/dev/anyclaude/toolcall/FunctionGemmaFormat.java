package dev.anyclaude.toolcall;

import java.util.List;

/**
 * FunctionGemma (270M): {@code <start_function_call>call:NAME{key:<escape>text<escape>,n:1}<end_function_call>},
 * the Gemma 4 syntax with {@code <escape>} as the string quote. No reasoning. Quoted values are passed on
 * untyped: the tool's schema decides (vLLM reads each of them as JSON when it can, and a model this small
 * quotes numbers and booleans too).
 */
public final class FunctionGemmaFormat implements ToolCallFormat {
    public static final String NAME = "functiongemma";

    static final String OPEN = "<start_function_call>";
    static final String CLOSE = "<end_function_call>";
    static final String QUOTE = "<escape>";
    private static final GemmaCalls SYNTAX = new GemmaCalls(OPEN, CLOSE, QUOTE, Arguments.ValueKind.UNTYPED);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FormatParser newParser() {
        return new GemmaCalls.Parser(SYNTAX, Reasoning.NONE);
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN);
    }

    @Override
    public Claim claims(String fromOpener) {
        return SYNTAX.claims(fromOpener);
    }
}
