package dev.anyclaude.toolcall;

import java.util.List;
import java.util.function.Function;

/**
 * A {@link RegionParser} for families whose call region is an opener followed by one bracketed value
 * (a JSON array or object, a pythonic list), maybe a closing marker after it, maybe none at all
 * (Granite, Phi-4-mini, xLAM, LFM2, Mistral). The region ends where the value's brackets close, found
 * by a scan that skips strings, so a closing marker or bracket written inside a string value never ends a
 * call early; a closing marker right after the value belongs to the region.
 *
 * <p>Some families also have markers that carry nothing and are simply dropped (Granite's
 * {@code <response>} wrapper): pass them as {@code dropped}.
 */
abstract class BracketRegionParser extends RegionParser {
    /** {@link #bodyStart}: the text so far ends before the value starts. */
    protected static final int MORE = -1;
    /** {@link #bodyStart}: no bracketed value follows the opener. */
    protected static final int NONE = -2;

    private final boolean python;
    private final List<String> dropped;

    protected BracketRegionParser(List<String> openers, List<String> dropped, Reasoning reasoning, boolean python) {
        super(concat(openers, dropped), reasoning);
        this.python = python;
        this.dropped = List.copyOf(dropped);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** Where the bracketed value starts in the region, {@link #MORE} or {@link #NONE}. */
    protected abstract int bodyStart(String region, String opener);

    /** Reads the value {@code body} (the region is {@code region}) into calls, or {@link #failure}. */
    protected abstract List<Piece.Call> parseBody(String body, String region, String opener);

    /** Closing markers that may follow the value. */
    protected List<String> closers(String opener) {
        return List.of();
    }

    /**
     * Where a region with no readable bracketed value ends, searching from {@code from} (the text before
     * it was searched before): by default after the first closing marker, else not before the end of the output.
     */
    protected int unstructuredEnd(CharSequence region, String opener, int from) {
        Markers.Match match = Markers.earliest(region, Math.max(from, opener.length()), closers(opener));
        return match == null ? -1 : match.end();
    }

    /** Reads a region with no bracketed value; by default it is malformed. */
    protected List<Piece.Call> parseUnstructured(String region, String opener, boolean atEnd) {
        return failure("no JSON value after " + opener);
    }

    @Override
    protected final RegionScan scan(String opener) {
        if (dropped.contains(opener)) {
            return region -> opener.length();
        }
        return new RegionScan() {
            private final BracketScanner scanner = new BracketScanner(python);
            private int start = MORE;
            private int from;

            @Override
            public int end(CharSequence region) {
                if (start == MORE) {
                    start = bodyStart(region.toString(), opener); // the head of the region only: short
                    if (start == MORE) {
                        return -1;
                    }
                }
                if (start >= 0) {
                    int end = scanner.end(region, start);
                    if (end == BracketScanner.OPEN) {
                        return -1;
                    }
                    if (end >= 0) {
                        return closeAfter(region, end, closers(opener));
                    }
                }
                int end = unstructuredEnd(region, opener, from);
                from = Math.max(0, region.length() - 64);
                return end;
            }
        };
    }

    @Override
    protected final List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
        if (dropped.contains(opener)) {
            return List.of();
        }
        int start = bodyStart(region, opener);
        if (start == MORE) {
            return failure("the call is cut off before its arguments");
        }
        if (start == NONE) {
            return parseUnstructured(region, opener, atEnd);
        }
        int end = BracketScanner.endOf(region, start, python);
        if (end == BracketScanner.OPEN) {
            return failure("the call is cut off");
        }
        if (end == BracketScanner.MISMATCH) {
            return failure("brackets do not match");
        }
        return parseBody(region.substring(start, end), region, opener);
    }

    /** Whether {@code opener} is one of the markers that carry nothing. */
    protected final boolean isDropped(String opener) {
        return dropped.contains(opener);
    }

    /**
     * Regions that hold a JSON call array (or one call object) right after the opener, read by
     * {@link JsonCalls} with {@code rules} (Granite, xLAM, Phi-4-mini): a region is a call when a {@code [}
     * or {@code {} follows the opener, and its value starts there.
     */
    static class JsonCallRegions extends BracketRegionParser {
        private final JsonCalls.Rules rules;
        private final Function<String, List<String>> closers;

        JsonCallRegions(List<String> openers, List<String> dropped, Reasoning reasoning, JsonCalls.Rules rules,
                        Function<String, List<String>> closers) {
            super(openers, dropped, reasoning, false);
            this.rules = rules;
            this.closers = closers;
        }

        @Override
        protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
            if (isDropped(opener)) {
                return ToolCallFormat.Claim.YES;
            }
            ToolCallFormat.Claim claim = JsonCallArray.claimFirst(region, opener, "[{");
            return claim == ToolCallFormat.Claim.MAYBE && atEnd ? ToolCallFormat.Claim.NO : claim;
        }

        @Override
        protected int bodyStart(String region, String opener) {
            int i = Scanning.skipWhitespace(region, opener.length());
            return i >= region.length() ? MORE : i;
        }

        @Override
        protected final List<String> closers(String opener) {
            return closers.apply(opener);
        }

        @Override
        protected final List<Piece.Call> parseBody(String body, String region, String opener) {
            try {
                return JsonCalls.read(body, region, rules);
            } catch (JsonCalls.NotCalls notCalls) {
                return failure(notCalls.getMessage());
            }
        }
    }

    /**
     * The end of a region whose value ends at {@code end}: after a closing marker that follows (whitespace
     * between allowed), else at the value's end; -1 while what follows may still become a closing marker.
     */
    static int closeAfter(CharSequence text, int end, List<String> closers) {
        if (closers.isEmpty()) {
            return end;
        }
        int i = Scanning.skipWhitespace(text, end);
        if (i >= text.length()) {
            return -1;
        }
        for (String closer : closers) {
            if (Scanning.at(text, i, closer)) {
                return i + closer.length();
            }
        }
        return Scanning.cutShortAny(text, i, closers) ? -1 : end;
    }
}
