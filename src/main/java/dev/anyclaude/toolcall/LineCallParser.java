package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The streaming machine for families whose calls often come with no marker at all, as a value at the
 * start of the output or of a line (Llama 3.x's bare {@code {"name": …, "parameters": …}}, the pythonic
 * {@code [f(a=1)]}), and sometimes after an opener ({@code <|python_tag|>}, {@code <|python_start|>}).
 * Such a call has no closing marker either: it ends where its value ends, and whether it is a call at all
 * is known only then, so the candidate is held until the subclass decides ({@link Detection}).
 *
 * <p>Anchors are the start of the output, the start of every line, and the place right after a call
 * (calls may follow each other separated by whitespace, {@code ;} or stop tokens). Inside a markdown code
 * fence there are no anchors and openers are prose; an opener right after a backtick is prose too. Stop
 * tokens such as {@code <|eot_id|>} that servers leave in the text are dropped. A marker-less call must
 * end its line (see {@link #endsLine}). Text flows out at once but
 * for a suffix that could be the start of a marker, and for whitespace at an anchor until the next
 * character shows whether a call begins there.
 */
abstract class LineCallParser implements FormatParser {
    private static final String FENCE = "```";

    private enum State { ANCHOR, TEXT, CANDIDATE, REGION }

    private final List<String> dropped;
    private final List<String> textMarkers;
    private final List<String> fenceMarkers = List.of(FENCE);
    private final StringBuilder buf = new StringBuilder();
    private State state = State.ANCHOR;
    private String opener;
    private boolean afterCall;
    private boolean inFence;
    private boolean lastBacktick;

    protected LineCallParser(List<String> openers, List<String> dropped) {
        this.dropped = List.copyOf(dropped);
        List<String> markers = new ArrayList<>();
        markers.add(FENCE);
        markers.add("\n");
        markers.addAll(openers);
        markers.addAll(dropped);
        this.textMarkers = List.copyOf(markers);
    }

    /** Whether a call may begin with {@code c} at an anchor. */
    protected abstract boolean startsCall(char c);

    /** What the text at an anchor (starting with a character {@link #startsCall} accepted) is. */
    protected abstract Detection bare(CharSequence text, boolean atEnd);

    /** What the text starting with {@code opener} is; lengths count from the start of the opener. */
    protected abstract Detection opened(CharSequence text, String opener, boolean atEnd);

    /** The candidate was decided: forget any scan state kept for it. */
    protected abstract void resolved();

    @Override
    public void feed(String text, Consumer<Piece> out) {
        buf.append(text);
        drain(out, false);
    }

    @Override
    public void finish(Consumer<Piece> out) {
        drain(out, true);
        if (!buf.isEmpty()) {
            emitText(buf.toString(), out);
            buf.setLength(0);
        }
    }

    private void drain(Consumer<Piece> out, boolean atEnd) {
        while (switch (state) {
            case ANCHOR -> anchor(out, atEnd);
            case TEXT -> text(out, atEnd);
            case CANDIDATE -> decide(endsLine(bare(buf, atEnd), atEnd), out, atEnd);
            case REGION -> decide(opened(buf, opener, atEnd), out, atEnd);
        }) {
            // until no progress
        }
    }

    private boolean anchor(Consumer<Piece> out, boolean atEnd) {
        int i = 0;
        while (true) {
            while (i < buf.length() && Character.isWhitespace(buf.charAt(i))) {
                i++;
            }
            if (!afterCall || i >= buf.length()) {
                break;
            }
            if (buf.charAt(i) == ';') {
                i++;
                continue;
            }
            String token = droppedAt(i);
            if (token != null) {
                i += token.length();
                continue;
            }
            if (!atEnd && partialDroppedAt(i)) {
                return false;
            }
            break;
        }
        if (i >= buf.length()) {
            if (atEnd) {
                if (!afterCall) {
                    emitText(buf.toString(), out);
                }
                buf.setLength(0);
            }
            return false;
        }
        String skipped = buf.substring(0, i);
        buf.delete(0, i);
        if (!afterCall) {
            emitText(skipped, out);
        }
        afterCall = false;
        state = startsCall(buf.charAt(0)) ? State.CANDIDATE : State.TEXT;
        return true;
    }

    private boolean text(Consumer<Piece> out, boolean atEnd) {
        List<String> markers = inFence ? fenceMarkers : textMarkers;
        Markers.Match match = Markers.earliest(buf, 0, markers);
        if (match == null) {
            int safe = atEnd ? buf.length() : Markers.safeLength(buf, markers);
            emitText(buf.substring(0, safe), out);
            buf.delete(0, safe);
            return false;
        }
        emitText(buf.substring(0, match.index()), out);
        buf.delete(0, match.index());
        String marker = match.marker();
        if (marker.equals(FENCE)) {
            inFence = !inFence;
        } else if (marker.equals("\n")) {
            emitText(marker, out);
            buf.delete(0, 1);
            state = State.ANCHOR;
            return true;
        } else if (!lastBacktick && dropped.contains(marker)) {
            buf.delete(0, marker.length());
            return true;
        } else if (!lastBacktick) {
            opener = marker;
            state = State.REGION;
            return true;
        }
        emitText(marker, out);
        buf.delete(0, marker.length());
        return true;
    }

    /**
     * A marker-less call must be the rest of its line: what follows on the same line may only be
     * whitespace, {@code ;} (before another call) or a stop token. A value with prose after it on the
     * same line is an example in a sentence, i.e. text.
     */
    private Detection endsLine(Detection detection, boolean atEnd) {
        if (detection.kind() != Detection.Kind.CALLS) {
            return detection;
        }
        int i = detection.length();
        while (i < buf.length() && (buf.charAt(i) == ' ' || buf.charAt(i) == '\t')) {
            i++;
        }
        if (i >= buf.length()) {
            return atEnd ? detection : Detection.more();
        }
        char c = buf.charAt(i);
        if (c == '\n' || c == '\r' || c == ';' || droppedAt(i) != null) {
            return detection;
        }
        if (!atEnd && partialDroppedAt(i)) {
            return Detection.more();
        }
        return Detection.text(detection.length());
    }

    private boolean decide(Detection detection, Consumer<Piece> out, boolean atEnd) {
        Detection d = detection;
        if (d.kind() == Detection.Kind.MORE) {
            if (!atEnd) {
                return false;
            }
            d = Detection.text(buf.length());
        }
        int length = Math.min(buf.length(), Math.max(1, d.length()));
        String taken = buf.substring(0, length);
        buf.delete(0, length);
        resolved();
        switch (d.kind()) {
            case CALLS -> {
                d.calls().forEach(out);
                afterCall = true;
                lastBacktick = false;
                state = State.ANCHOR;
            }
            case MALFORMED -> {
                out.accept(new Piece.Malformed(taken, d.reason()));
                afterCall = true;
                lastBacktick = false;
                state = State.ANCHOR;
            }
            default -> {
                emitText(taken, out);
                state = State.TEXT;
            }
        }
        return true;
    }

    private String droppedAt(int i) {
        for (String token : dropped) {
            if (Scanning.at(buf, i, token)) {
                return token;
            }
        }
        return null;
    }

    private boolean partialDroppedAt(int i) {
        int rest = buf.length() - i;
        for (String token : dropped) {
            if (rest < token.length() && Scanning.cutShort(buf, i, token)) {
                return true;
            }
        }
        return false;
    }

    private void emitText(String text, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            lastBacktick = text.charAt(text.length() - 1) == '`';
            out.accept(new Piece.Text(text));
        }
    }
}
