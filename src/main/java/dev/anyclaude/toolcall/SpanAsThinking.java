package dev.anyclaude.toolcall;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a family's side-channel span ({@code <seed:cot_budget_reflect>}…{@code </seed:cot_budget_reflect>})
 * into thinking wherever it appears: inside reasoning its tags are dropped, in visible text the span
 * becomes a thinking piece. Unbalanced tags are dropped; a span ends at the latest where the text it
 * started in ends (a change between text and reasoning, or a call), so a lost close cannot swallow the answer.
 */
final class SpanAsThinking implements FormatParser {
    private final FormatParser inner;
    private final String open;
    private final String close;
    private final List<String> tags;

    /** Text held because it may be the start of a tag, of the kind it arrived as. */
    private final StringBuilder held = new StringBuilder();
    private boolean heldIsThinking;
    private boolean inSpan;

    SpanAsThinking(FormatParser inner, String open, String close) {
        this.inner = inner;
        this.open = open;
        this.close = close;
        this.tags = List.of(open, close);
    }

    @Override
    public void feed(String text, Consumer<Piece> out) {
        inner.feed(text, piece -> filter(piece, out));
    }

    @Override
    public void feedReasoning(String text, Consumer<Piece> out) {
        inner.feedReasoning(text, piece -> filter(piece, out));
    }

    @Override
    public void finish(Consumer<Piece> out) {
        inner.finish(piece -> filter(piece, out));
        flush(out);
    }

    private void filter(Piece piece, Consumer<Piece> out) {
        boolean thinking;
        String text;
        switch (piece) {
            case Piece.Text t -> {
                thinking = false;
                text = t.text();
            }
            case Piece.Thinking t -> {
                thinking = true;
                text = t.text();
            }
            default -> {
                flush(out);
                out.accept(piece);
                return;
            }
        }
        if (thinking != heldIsThinking) {
            flush(out);
            heldIsThinking = thinking;
        }
        held.append(text);
        String rest = held.toString();
        held.setLength(0);
        while (!rest.isEmpty()) {
            Markers.Match match = Markers.earliest(rest, 0, inSpan ? List.of(close) : tags);
            if (match == null) {
                int safe = Markers.safeLength(rest, inSpan ? List.of(close) : tags);
                emit(rest.substring(0, safe), inSpan || thinking, out);
                held.append(rest, safe, rest.length());
                return;
            }
            emit(rest.substring(0, match.index()), inSpan || thinking, out);
            if (match.marker().equals(open)) {
                inSpan = true;
            } else if (inSpan) {
                inSpan = false;
            }
            rest = rest.substring(match.end());
        }
    }

    /** Held text is no tag after all; a span does not outlive the run of text it began in. */
    private void flush(Consumer<Piece> out) {
        emit(held.toString(), inSpan || heldIsThinking, out);
        held.setLength(0);
        inSpan = false;
    }

    private static void emit(String text, boolean thinking, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            out.accept(thinking ? new Piece.Thinking(text) : new Piece.Text(text));
        }
    }
}
