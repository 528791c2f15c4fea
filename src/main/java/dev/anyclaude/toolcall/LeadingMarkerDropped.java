package dev.anyclaude.toolcall;

import java.util.function.Consumer;

/**
 * For output that starts inside reasoning because the prompt template opened it: a model (or template)
 * that writes the open marker anyway would otherwise leave it in the thinking text. Drops that marker,
 * and whitespace before it, when the output begins with it; passes everything else through.
 */
final class LeadingMarkerDropped implements FormatParser {
    private final FormatParser inner;
    private final String marker;
    private StringBuilder head = new StringBuilder();

    LeadingMarkerDropped(FormatParser inner, String marker) {
        this.inner = inner;
        this.marker = marker;
    }

    /** {@code parser}, behind a drop of the open marker when the output starts inside {@code reasoning}. */
    static FormatParser whenStartingInside(FormatParser parser, Reasoning reasoning) {
        return reasoning.startsInside() ? new LeadingMarkerDropped(parser, reasoning.open()) : parser;
    }

    @Override
    public void feed(String text, Consumer<Piece> out) {
        if (head == null) {
            inner.feed(text, out);
            return;
        }
        head.append(text);
        String held = head.toString();
        int i = Scanning.skipWhitespace(held, 0);
        if (held.startsWith(marker, i)) {
            head = null;
            inner.feed(held.substring(i + marker.length()), out);
        } else if (!Scanning.cutShort(held, i, marker)) {
            head = null;
            inner.feed(held, out);
        }
    }

    @Override
    public void feedReasoning(String text, Consumer<Piece> out) {
        inner.feedReasoning(text, out);
    }

    @Override
    public void finish(Consumer<Piece> out) {
        if (head != null) {
            String held = head.toString();
            head = null;
            inner.feed(held, out);
        }
        inner.finish(out);
    }
}
