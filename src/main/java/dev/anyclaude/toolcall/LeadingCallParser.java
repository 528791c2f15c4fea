package dev.anyclaude.toolcall;

import java.util.List;
import java.util.function.Consumer;

/**
 * Puts a check for a marker-less call at the very start of the output in front of a family's marker
 * parser: Mistral when the server stripped {@code [TOOL_CALLS]} (the output is the bare call array), xLAM
 * (whose answer is either text or only the call array). The start is the start of the output, and, when
 * {@code reanchor} is set, right after the first occurrence of that marker (xLAM: {@code </think>}).
 *
 * <p>Until the check has decided, the text at the start is held (leading whitespace goes on to the inner
 * parser); after that everything goes to the inner parser unchanged, so its state is never disturbed:
 * the check only runs where the inner parser has seen nothing but text it has fully handled.
 */
final class LeadingCallParser implements FormatParser {

    /** Decides about the text at the start, which begins with a non-whitespace character. */
    interface Detector {
        Detection detect(CharSequence text, boolean atEnd);

        /** The last candidate was decided: forget its scan state. */
        void reset();
    }

    private enum Mode { START, WATCH, PASS }

    private final FormatParser inner;
    private final Detector detector;
    private final String reanchor;
    private final StringBuilder buf = new StringBuilder();
    private Mode mode = Mode.START;
    private boolean afterCall;
    private boolean reanchored;

    LeadingCallParser(FormatParser inner, Detector detector, String reanchor) {
        this.inner = inner;
        this.detector = detector;
        this.reanchor = reanchor;
    }

    @Override
    public void feed(String text, Consumer<Piece> out) {
        if (mode == Mode.PASS && !afterCall) {
            inner.feed(text, out);
            return;
        }
        buf.append(text);
        drain(out, false);
    }

    @Override
    public void feedReasoning(String text, Consumer<Piece> out) {
        inner.feedReasoning(text, out);
    }

    @Override
    public void finish(Consumer<Piece> out) {
        drain(out, true);
        forward(buf.length(), out);
        inner.finish(out);
    }

    private void drain(Consumer<Piece> out, boolean atEnd) {
        while (true) {
            if (afterCall) {
                int i = Scanning.skipWhitespace(buf, 0);
                buf.delete(0, i);
                if (buf.isEmpty()) {
                    return;
                }
                afterCall = false;
            }
            switch (mode) {
                case START -> {
                    if (!start(out, atEnd)) {
                        return;
                    }
                }
                case WATCH -> {
                    if (!watch(out, atEnd)) {
                        return;
                    }
                }
                case PASS -> {
                    forward(buf.length(), out);
                    return;
                }
            }
        }
    }

    private boolean start(Consumer<Piece> out, boolean atEnd) {
        int i = Scanning.skipWhitespace(buf, 0);
        if (i >= buf.length()) {
            if (atEnd) {
                forward(buf.length(), out);
            }
            return false;
        }
        forward(i, out);
        Detection d = detector.detect(buf, atEnd);
        if (d.kind() == Detection.Kind.MORE) {
            if (!atEnd) {
                return false;
            }
            d = Detection.text(buf.length());
        }
        detector.reset();
        mode = reanchor != null && !reanchored ? Mode.WATCH : Mode.PASS;
        switch (d.kind()) {
            case CALLS -> {
                d.calls().forEach(out);
                buf.delete(0, d.length());
                afterCall = true;
            }
            case MALFORMED -> {
                out.accept(new Piece.Malformed(buf.substring(0, d.length()), d.reason()));
                buf.delete(0, d.length());
                afterCall = true;
            }
            default -> {
                // text: the inner parser reads it all
            }
        }
        return true;
    }

    private boolean watch(Consumer<Piece> out, boolean atEnd) {
        int at = buf.indexOf(reanchor);
        if (at >= 0) {
            forward(at + reanchor.length(), out);
            reanchored = true;
            mode = Mode.START;
            return true;
        }
        forward(atEnd ? buf.length() : Markers.safeLength(buf, List.of(reanchor)), out);
        return false;
    }

    private void forward(int length, Consumer<Piece> out) {
        if (length > 0) {
            inner.feed(buf.substring(0, length), out);
            buf.delete(0, length);
        }
    }
}
