package dev.anyclaude.toolcall;

import java.util.List;

/** A model family's tool-call syntax: a name, how to recognise it, and fresh streaming parsers. */
public interface ToolCallFormat {

    /** The configuration name, e.g. {@code hermes}, {@code qwen3-coder}, {@code harmony}. */
    String name();

    /** A parser for one response. */
    FormatParser newParser();

    /**
     * Markers whose appearance in text may announce this format; used by {@code auto} to sniff the first
     * call. Shared markers ({@code <tool_call>}) are disambiguated by {@link #claims}.
     */
    List<String> openers();

    /**
     * Given text that starts with one of {@link #openers()} (as much as has arrived), whether this format
     * claims it. {@link Claim#MAYBE} asks for more text; at the end of the stream MAYBE counts as NO.
     */
    Claim claims(String fromOpener);

    enum Claim { YES, NO, MAYBE }
}
