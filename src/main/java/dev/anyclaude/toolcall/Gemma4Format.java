package dev.anyclaude.toolcall;

import java.util.List;
import java.util.function.Consumer;

/**
 * Gemma 4: {@code <|tool_call>call:NAME{key:<|"|>text<|"|>,n:42,flag:true,obj:{a:1},list:[1,2]}<tool_call|>},
 * several calls in a row; reasoning in the thought channel {@code <|channel>thought\n…<channel|>} (the
 * {@code thought} label is cut off), and a call ends the reasoning (calls inside it are real). Quoted values are
 * strings whatever they look like.
 */
public final class Gemma4Format implements ToolCallFormat {
    public static final String NAME = "gemma4";

    static final String OPEN = "<|tool_call>";
    static final String CLOSE = "<tool_call|>";
    static final String QUOTE = "<|\"|>";
    private static final Reasoning REASONING = new Reasoning("<|channel>", "<channel|>", false, true);
    private static final GemmaCalls SYNTAX = new GemmaCalls(OPEN, CLOSE, QUOTE, Arguments.ValueKind.STRING);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FormatParser newParser() {
        return new Parser();
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN);
    }

    @Override
    public Claim claims(String fromOpener) {
        return SYNTAX.claims(fromOpener);
    }

    private static final class Parser extends GemmaCalls.Parser {
        private final ThoughtLabel label = new ThoughtLabel();

        Parser() {
            super(SYNTAX, REASONING);
        }

        @Override
        public void feed(String text, Consumer<Piece> out) {
            super.feed(text, label.before(out));
        }

        @Override
        public void feedReasoning(String text, Consumer<Piece> out) {
            super.feedReasoning(text, label.before(out));
        }

        @Override
        public void finish(Consumer<Piece> out) {
            super.finish(label.before(out));
            label.flush(out);
        }
    }

    /**
     * Cuts the channel name {@code thought} and its newline off the start of each reasoning block. Holds the
     * start of a block back only until it is known whether it is the label.
     */
    static final class ThoughtLabel {
        private static final String LABEL = "thought";
        private static final String LINE = LABEL + "\n";

        private boolean inThinking;
        private boolean deciding;
        private final StringBuilder held = new StringBuilder();

        Consumer<Piece> before(Consumer<Piece> out) {
            return piece -> accept(piece, out);
        }

        private void accept(Piece piece, Consumer<Piece> out) {
            if (piece instanceof Piece.Thinking thinking) {
                if (!inThinking) {
                    inThinking = true;
                    deciding = true;
                }
                if (!deciding) {
                    out.accept(piece);
                    return;
                }
                held.append(thinking.text());
                decide(out, false);
                return;
            }
            flush(out);
            inThinking = false;
            out.accept(piece);
        }

        void flush(Consumer<Piece> out) {
            if (deciding) {
                decide(out, true);
            }
        }

        private void decide(Consumer<Piece> out, boolean blockEnded) {
            String text = held.toString();
            String rest;
            if (text.startsWith(LINE)) {
                rest = text.substring(LINE.length());
            } else if (LINE.startsWith(text) && !blockEnded) {
                return;
            } else if (text.equals(LABEL)) {
                rest = "";
            } else {
                rest = text;
            }
            deciding = false;
            held.setLength(0);
            if (!rest.isEmpty()) {
                out.accept(new Piece.Thinking(rest));
            }
        }
    }
}
