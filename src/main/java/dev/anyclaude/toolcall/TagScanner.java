package dev.anyclaude.toolcall;

import dev.anyclaude.toolcall.Scanning.Look;
import dev.anyclaude.toolcall.ToolCallFormat.Claim;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The walk the hand-written tag grammars share (Qwen3-Coder / Seed-OSS {@code <function=…>}, GLM
 * {@code <arg_key>}, MiniMax {@code <invoke>}): a scanner over one call region that goes through its modes
 * step by step, stops where the text runs out and goes on there with the next chunk (its state depends only
 * on the text consumed), and ends at the region's end, possibly with a failure. {@link Regions} is the
 * {@link RegionParser} over such a scanner.
 */
abstract class TagScanner {
    /** Where the walk goes on. */
    protected int pos;
    private int end = -1;
    private String failure;

    protected TagScanner(int pos) {
        this.pos = pos;
    }

    /** The end of the call region, or -1 when more text is needed ({@code atEnd}: never -1). */
    final int advance(CharSequence region, boolean atEnd) {
        while (end < 0) {
            if (!step(region, atEnd)) {
                return -1;
            }
        }
        return end;
    }

    /** One step in the current mode; false when the text ran out before it could be taken. */
    protected abstract boolean step(CharSequence region, boolean atEnd);

    /**
     * After a walk to the end without {@link #failure()}: the calls of the region, or null with the reason
     * given to {@link #failLater}.
     */
    protected abstract List<Piece.Call> calls(String region);

    /** Why the region cannot be read, or null. */
    final String failure() {
        return failure;
    }

    /** The region ends at {@code at}. */
    protected final boolean finish(int at) {
        end = at;
        return true;
    }

    /** The region ends at {@code at} and cannot be read. */
    protected final boolean fail(String reason, int at) {
        failure = reason;
        return finish(at);
    }

    /** The region cannot be read, but its end is still to be found. */
    protected final void failLater(String reason) {
        failure = reason;
    }

    /** Skips what may stand between tags: whitespace. */
    protected int skip(CharSequence region, int from) {
        return Scanning.skipWhitespace(region, from);
    }

    /** Whether the text ends at {@code i} or inside something {@link #skip} would skip. */
    protected boolean runsOut(CharSequence region, int i) {
        return i == region.length();
    }

    /**
     * Whether the text after {@code from}, past what {@link #skip} skips, is one of {@code tokens} or the end
     * of the stream; MORE while it could still become one (at the end, a closing tag cut off counts).
     */
    protected final Look followedBy(CharSequence region, int from, boolean atEnd, String... tokens) {
        int i = skip(region, from);
        if (runsOut(region, i)) {
            return atEnd ? Look.YES : Look.MORE;
        }
        Look look = Scanning.startsOneOf(region, i, tokens);
        return look == Look.MORE && atEnd ? Look.YES : look;
    }

    /**
     * A closing tag {@code tag} at {@code lt} inside a value is structural only when structure follows it
     * (see {@link #followedBy}). YES: the value ends at {@code lt}; NO: the tag is part of the value and the
     * walk goes on after it; MORE: the walk waits at the tag for more text.
     */
    protected final Look closesValue(CharSequence region, int lt, String tag, boolean atEnd, String... followers) {
        Look look = followedBy(region, lt + tag.length(), atEnd, followers);
        pos = look == Look.NO ? lt + tag.length() : lt;
        return look;
    }

    /** The region parser of a tag grammar: {@code claim} decides whether an opener begins a call. */
    static final class Regions<S extends TagScanner> extends RegionParser {
        private final BiFunction<String, Boolean, Claim> claim;
        private final Supplier<S> scanners;

        Regions(List<String> openers, Reasoning reasoning, BiFunction<String, Boolean, Claim> claim,
                Supplier<S> scanners) {
            super(openers, reasoning);
            this.claim = claim;
            this.scanners = scanners;
        }

        @Override
        protected Claim accepts(String region, String opener, boolean atEnd) {
            return claim.apply(region, atEnd);
        }

        @Override
        protected RegionScan scan(String opener) {
            S scanner = scanners.get();
            return region -> scanner.advance(region, false);
        }

        @Override
        protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
            S scanner = scanners.get();
            scanner.advance(region, true);
            List<Piece.Call> calls = scanner.failure() == null ? scanner.calls(region) : null;
            return calls == null ? failure(scanner.failure()) : calls;
        }
    }
}
