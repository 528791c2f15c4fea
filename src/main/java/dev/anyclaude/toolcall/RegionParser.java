package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The streaming machinery most families share: text, reasoning between markers, and tool-call regions
 * that begin with an opener. Subclasses say where a region ends and what calls it holds.
 *
 * <p>Text flows out as it arrives except a suffix that could still become a marker. A marker inside a
 * markdown code fence, or right after a backtick, is prose about a marker, not a call. Whitespace
 * right after reasoning or a call is dropped (templates put newlines there).
 *
 * <p>While a region streams in, it is followed by a {@link RegionScan} the subclass makes when the region
 * opens. The scan is shown the parser's own buffer, the same region grown by each chunk, so it can go on
 * where it stopped: a long call fed in small chunks costs about its length, not its length per chunk.
 */
public abstract class RegionParser implements FormatParser {

    private static final String FENCE = "```";

    private enum State { TEXT, THINKING, REGION }

    private final List<String> openers;
    private final Reasoning reasoning;
    private final StringBuilder buf = new StringBuilder();
    private State state;
    private String opener;
    private RegionScan scan;
    private boolean inFence;
    private boolean skipWhitespace;
    /**
     * The output began inside reasoning the template opened, and its closing marker has not come yet. Until
     * it does, the reasoning is held, not sent: a model (or a server that already split the reasoning off)
     * that never closes it was answering, and its words must reach the user as text.
     */
    private boolean tentative;
    private final StringBuilder held = new StringBuilder();
    /** The first characters of every marker this parser looks for: text without them needs no scan. */
    private final String markerStarts;

    protected RegionParser(List<String> openers, Reasoning reasoning) {
        this.openers = List.copyOf(openers);
        this.reasoning = reasoning;
        this.state = reasoning.startsInside() ? State.THINKING : State.TEXT;
        this.tentative = reasoning.startsInside();
        StringBuilder starts = new StringBuilder();
        List<String> all = new ArrayList<>(this.openers);
        all.add(FENCE);
        all.add(reasoning.open());
        all.add(reasoning.close());
        for (String marker : all) {
            if (marker != null && !marker.isEmpty() && starts.indexOf(marker.substring(0, 1)) < 0) {
                starts.append(marker.charAt(0));
            }
        }
        this.markerStarts = starts.toString();
    }

    /**
     * Whether the region opened by {@code opener} at the start of {@code region} is a call region at all
     * (Qwen3-Coder's {@code <tool_call>} must be followed by {@code <function=}). Default: yes.
     *
     * @param atEnd the stream has ended: answer YES or NO
     */
    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
        return ToolCallFormat.Claim.YES;
    }

    /** Follows one region while it streams in, from its opener to its end. */
    @FunctionalInterface
    protected interface RegionScan {
        /**
         * The end (exclusive) of the complete region at the start of {@code region}, or -1 while it has not
         * been closed. Each call shows the same region, grown at its end (do not keep the sequence itself:
         * it changes once the region is done).
         */
        int end(CharSequence region);
    }

    /**
     * A scan for the region opened by {@code opener}, made when the region opens. A parser that reads
     * upstream reasoning too has a region open in each, each with its own scan.
     */
    protected abstract RegionScan scan(String opener);

    /**
     * Reads a region into calls. {@code atEnd} is true when the stream ended before the region closed;
     * the region is then whatever was written. Returns null, with {@link #failure} set, when the region
     * cannot be read.
     */
    protected abstract List<Piece.Call> parseRegion(String region, String opener, boolean atEnd);

    private String failureReason;

    /** Records why {@link #parseRegion} returned null. */
    protected final List<Piece.Call> failure(String reason) {
        failureReason = reason;
        return null;
    }

    @Override
    public void feed(String text, Consumer<Piece> out) {
        if (buf.isEmpty() && !skipWhitespace && !tentative && state != State.REGION && cannotHoldMarker(text)) {
            // The common case, most chunks of most responses: what a scan would find is the text itself.
            if (state == State.TEXT) {
                emitText(text, out);
            } else {
                emitThinking(text, out);
            }
            return;
        }
        buf.append(text);
        drain(out, false);
    }

    /** No marker can start in {@code text}, and it does not end inside a surrogate pair. */
    private boolean cannotHoldMarker(String text) {
        int length = text.length();
        if (length == 0 || Character.isHighSurrogate(text.charAt(length - 1))) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (markerStarts.indexOf(text.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void feedReasoning(String text, Consumer<Piece> out) {
        if (!reasoning.callsInside()) {
            FormatParser.super.feedReasoning(text, out);
            return;
        }
        // The upstream separated the reasoning; scan it for calls with a second machine that starts inside
        // reasoning, so the state of the visible text is left alone.
        if (reasoningScan == null) {
            reasoningScan = new ReasoningScan();
        }
        reasoningScan.feed(text, asThinking(out));
    }

    /** Everything read from upstream reasoning stays reasoning, also the text after a call. */
    private static Consumer<Piece> asThinking(Consumer<Piece> out) {
        return piece -> out.accept(piece instanceof Piece.Text text ? new Piece.Thinking(text.text()) : piece);
    }

    @Override
    public void finish(Consumer<Piece> out) {
        if (reasoningScan != null) {
            reasoningScan.finish(asThinking(out));
        }
        drain(out, true);
        if (tentative) {
            // The reasoning the template opened was never closed: it was the answer.
            held.append(buf);
            buf.setLength(0);
            emitText(held.toString(), out);
            held.setLength(0);
            tentative = false;
            return;
        }
        switch (state) {
            case TEXT -> emitText(buf.toString(), out);
            case THINKING -> emitThinking(buf.toString(), out);
            case REGION -> emitRegion(buf.toString(), true, out);
        }
        buf.setLength(0);
    }

    private void drain(Consumer<Piece> out, boolean atEnd) {
        while (true) {
            boolean progressed = switch (state) {
                case TEXT -> text(out, atEnd);
                case THINKING -> thinking(out, atEnd);
                case REGION -> region(out);
            };
            if (!progressed) {
                return;
            }
        }
    }

    private boolean text(Consumer<Piece> out, boolean atEnd) {
        if (skipWhitespace) {
            int i = 0;
            while (i < buf.length() && Character.isWhitespace(buf.charAt(i))) {
                i++;
            }
            buf.delete(0, i);
            if (buf.isEmpty()) {
                return false;
            }
            skipWhitespace = false;
        }
        List<String> markers = textMarkers();
        Markers.Match match = Markers.earliest(buf, 0, markers);
        if (match == null) {
            if (!atEnd) {
                int safe = Markers.safeLength(buf, markers);
                emitText(buf.substring(0, safe), out);
                buf.delete(0, safe);
            }
            return false;
        }
        String marker = match.marker();
        if (marker.equals(FENCE)) {
            inFence = !inFence;
            emitText(buf.substring(0, match.end()), out);
            buf.delete(0, match.end());
            return true;
        }
        emitText(buf.substring(0, match.index()), out);
        buf.delete(0, match.index());
        if (marker.equals(reasoning.open())) {
            buf.delete(0, marker.length());
            state = State.THINKING;
            lastEmittedBacktick = false;
            return true;
        }
        if (marker.equals(reasoning.close())) {
            buf.delete(0, marker.length());
            skipWhitespace = true;
            lastEmittedBacktick = false;
            return true;
        }
        if (lastEmittedBacktick) {
            // `<tool_call>` in inline code is prose about the marker
            emitText(marker, out);
            buf.delete(0, marker.length());
            return true;
        }
        return claimRegion(marker, out, atEnd);
    }

    private boolean claimRegion(String marker, Consumer<Piece> out, boolean atEnd) {
        ToolCallFormat.Claim claim = accepts(buf.toString(), marker, atEnd);
        switch (claim) {
            case YES -> {
                openRegion(marker);
                return true;
            }
            case NO -> {
                emitText(marker, out);
                buf.delete(0, marker.length());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean thinking(Consumer<Piece> out, boolean atEnd) {
        List<String> markers = thinkingMarkers();
        Markers.Match match = Markers.earliest(buf, 0, markers);
        if (match == null) {
            if (!atEnd) {
                int safe = Markers.safeLength(buf, markers);
                think(buf.substring(0, safe), out);
                buf.delete(0, safe);
            }
            return false;
        }
        think(buf.substring(0, match.index()), out);
        buf.delete(0, match.index());
        if (match.marker().equals(reasoning.close())) {
            buf.delete(0, match.marker().length());
            settleReasoning(out);
            state = State.TEXT;
            skipWhitespace = true;
            return true;
        }
        // A call opener inside reasoning (families that call tools there): the call ends the reasoning.
        ToolCallFormat.Claim claim = accepts(buf.toString(), match.marker(), atEnd);
        if (claim == ToolCallFormat.Claim.MAYBE) {
            return false;
        }
        if (claim == ToolCallFormat.Claim.NO) {
            think(match.marker(), out);
            buf.delete(0, match.marker().length());
            return true;
        }
        settleReasoning(out);
        openRegion(match.marker());
        return true;
    }

    /** Reasoning text: sent now, or held while it is not yet known to be reasoning. */
    private void think(String text, Consumer<Piece> out) {
        if (tentative) {
            held.append(text);
        } else {
            emitThinking(text, out);
        }
    }

    /** The reasoning the template opened has ended (by its marker or a call): what was held was reasoning. */
    private void settleReasoning(Consumer<Piece> out) {
        if (tentative) {
            tentative = false;
            emitThinking(held.toString(), out);
            held.setLength(0);
        }
    }

    private void openRegion(String marker) {
        state = State.REGION;
        opener = marker;
        scan = scan(marker);
    }

    private boolean region(Consumer<Piece> out) {
        int end = scan.end(buf);
        if (end < 0) {
            return false;
        }
        scan = null;
        emitRegion(buf.substring(0, end), false, out);
        buf.delete(0, end);
        state = State.TEXT;
        skipWhitespace = true;
        lastEmittedBacktick = false;
        return true;
    }

    private void emitRegion(String region, boolean atEnd, Consumer<Piece> out) {
        if (region.isEmpty()) {
            return;
        }
        failureReason = null;
        List<Piece.Call> calls = parseRegion(region, opener, atEnd);
        if (calls == null) {
            out.accept(new Piece.Malformed(region, failureReason == null ? "the call could not be read"
                    : failureReason));
        } else {
            calls.forEach(out);
        }
    }

    private List<String> textMarkers() {
        List<String> markers = new ArrayList<>(openers.size() + 3);
        markers.add(FENCE);
        if (!inFence) {
            markers.addAll(openers);
            if (reasoning.open() != null) {
                markers.add(reasoning.open());
            }
            if (reasoning.close() != null) {
                markers.add(reasoning.close());
            }
        }
        return markers;
    }

    private List<String> thinkingMarkers() {
        List<String> markers = new ArrayList<>(openers.size() + 1);
        if (reasoning.close() != null) {
            markers.add(reasoning.close());
        }
        if (reasoning.callsInside()) {
            markers.addAll(openers);
        }
        return markers;
    }

    private boolean lastEmittedBacktick;
    private RegionParser reasoningScan;

    private void emitText(String text, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            lastEmittedBacktick = text.charAt(text.length() - 1) == '`';
            out.accept(new Piece.Text(text));
        }
    }

    private static void emitThinking(String text, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            out.accept(new Piece.Thinking(text));
        }
    }

    /** Reasoning the upstream already split off, scanned with the same rules from inside reasoning. */
    private final class ReasoningScan extends RegionParser {
        ReasoningScan() {
            super(RegionParser.this.openers, new Reasoning(null, null, true, true));
        }

        @Override
        protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
            return RegionParser.this.accepts(region, opener, atEnd);
        }

        @Override
        protected RegionScan scan(String opener) {
            return RegionParser.this.scan(opener);
        }

        @Override
        protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
            List<Piece.Call> calls = RegionParser.this.parseRegion(region, opener, atEnd);
            if (calls == null) {
                return failure(RegionParser.this.failureReason);
            }
            return calls;
        }
    }
}
