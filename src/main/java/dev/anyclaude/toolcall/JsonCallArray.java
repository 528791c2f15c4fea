package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON array of tool calls between two markers, {@code OPEN[{"name": N, "arguments": {...}}, ...]CLOSE}, as
 * several families write it (Jamba and Hunyuan {@code <tool_calls>}, Nemotron {@code <TOOLCALL>}, Command
 * {@code <|START_ACTION|>} with {@code tool_name}/{@code parameters}). Finds the structural end of such a
 * region while it streams in, and reads the calls out of it.
 *
 * <p>Lenient in what it reads: {@code name}, {@code tool_name} or a string {@code function}; {@code arguments},
 * {@code parameters} or {@code args}; an OpenAI-style {@code {"function": {...}}} wrapper; a bare object instead
 * of an array, several arrays or objects in a row; single-quoted strings, raw newlines inside strings, trailing
 * commas, Python {@code True/False/None}. Arguments go on as {@link Arguments.JsonText} (the typer decodes a double-encoded
 * string).
 */
final class JsonCallArray {

    private JsonCallArray() {
    }

    /**
     * Whether text starting with {@code opener} goes on with a JSON value that starts with one of
     * {@code firstChars} (after optional whitespace). MAYBE while only whitespace has arrived.
     */
    static ToolCallFormat.Claim claimFirst(String fromOpener, String opener, String firstChars) {
        for (int i = opener.length(); i < fromOpener.length(); i++) {
            char c = fromOpener.charAt(i);
            if (!Character.isWhitespace(c)) {
                return firstChars.indexOf(c) >= 0 ? ToolCallFormat.Claim.YES : ToolCallFormat.Claim.NO;
            }
        }
        return ToolCallFormat.Claim.MAYBE;
    }

    /**
     * {@link #claimFirst(String, String, String)} for the opener {@code fromOpener} starts with: the first of
     * {@code openers} it starts with, else the last of them.
     */
    static ToolCallFormat.Claim claimFirst(String fromOpener, List<String> openers, String firstChars) {
        String opener = openers.getLast();
        for (String candidate : openers) {
            if (fromOpener.startsWith(candidate)) {
                opener = candidate;
                break;
            }
        }
        return claimFirst(fromOpener, opener, firstChars);
    }

    /**
     * The structural scan of {@code opener ws VALUE... ws close}: strings are skipped, so a close marker inside
     * a string (a file that mentions it) does not end the region. Made for one region, it resumes where it
     * stopped, so a long call fed in small chunks is scanned once.
     */
    static final class Scan {
        private final String close;
        private final int openerLength;
        private final BracketScanner scanner = BracketScanner.counting(BracketScanner.Quotes.LENIENT);
        private final List<int[]> values = new ArrayList<>();

        Scan(String close, int openerLength) {
            this.close = close;
            this.openerLength = openerLength;
            scanner.moveTo(openerLength);
        }

        /** The region's end (exclusive), or -1 while it may still go on. */
        int end(CharSequence region) {
            int n = region.length();
            char first = close.charAt(0);
            while (scanner.pos() < n) {
                int i = scanner.pos();
                char c = region.charAt(i);
                if (!scanner.inString() && c == first) {
                    // Markers are not JSON: outside a string this is the close even where brackets do not match.
                    if (Scanning.at(region, i, close)) {
                        closeValue(i);
                        return i + close.length();
                    }
                    if (Scanning.partial(region, i, close)) {
                        return -1;
                    }
                }
                if (scanner.depth() <= 0) {
                    if (c == '[' || c == '{') {
                        scanner.restart(i);
                        values.add(new int[] {i, -1});
                    } else if (!Character.isWhitespace(c) && c != ',' && c != ']' && c != '}') {
                        // Text after the calls with no close marker: the region ends before it.
                        return i;
                    } else {
                        scanner.moveTo(i + 1);
                        continue;
                    }
                }
                if (scanner.step(region) == BracketScanner.Step.CLOSE && scanner.depth() == 0) {
                    closeValue(i + 1);
                }
            }
            return -1;
        }

        /** Where the scan stopped: the close marker, text after the calls, or the end of the text. */
        int stop() {
            return scanner.pos();
        }

        private void closeValue(int end) {
            if (!values.isEmpty() && values.getLast()[1] < 0) {
                values.getLast()[1] = end;
            }
        }
    }

    /**
     * A family whose calls are a JSON array between {@code open} and {@code close}: Nemotron, Jamba / Hunyuan,
     * Command. They differ in their markers, the markers they drop, their reasoning, and which first
     * characters after the opener {@link #claims} takes ({@code firstChars}).
     */
    abstract static class Format implements ToolCallFormat {
        private final String name;
        private final String open;
        private final String close;
        private final List<String> dropped;
        private final Reasoning reasoning;
        private final String firstChars;

        Format(String name, String open, String close, List<String> dropped, Reasoning reasoning, String firstChars) {
            this.name = name;
            this.open = open;
            this.close = close;
            this.dropped = List.copyOf(dropped);
            this.reasoning = reasoning;
            this.firstChars = firstChars;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public FormatParser newParser() {
            return new Parser(Map.of(open, close), dropped, reasoning);
        }

        @Override
        public List<String> openers() {
            return List.of(open);
        }

        @Override
        public Claim claims(String fromOpener) {
            return claimFirst(fromOpener, open, firstChars);
        }
    }

    /**
     * A RegionParser for formats whose calls are JSON arrays between markers. {@code calls} maps each opener
     * to its close marker; {@code dropped} are markers the format writes around its text (Command's
     * {@code <|START_RESPONSE|>}, Hunyuan's {@code <answer>}): they are cut out, the text between them kept.
     */
    static class Parser extends RegionParser {
        private final Map<String, String> calls;
        private final Set<String> dropped;

        Parser(Map<String, String> calls, List<String> dropped, Reasoning reasoning) {
            super(openers(calls, dropped), reasoning);
            this.calls = Map.copyOf(calls);
            this.dropped = Set.copyOf(dropped);
        }

        private static List<String> openers(Map<String, String> calls, List<String> dropped) {
            List<String> all = new ArrayList<>(calls.keySet());
            all.addAll(dropped);
            return all;
        }

        @Override
        protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
            if (dropped.contains(opener)) {
                return ToolCallFormat.Claim.YES;
            }
            ToolCallFormat.Claim claim = claimFirst(region, opener, "[{");
            return claim == ToolCallFormat.Claim.MAYBE && atEnd ? ToolCallFormat.Claim.NO : claim;
        }

        @Override
        protected RegionScan scan(String opener) {
            if (dropped.contains(opener)) {
                return region -> opener.length();
            }
            return new Scan(calls.get(opener), opener.length())::end;
        }

        @Override
        protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
            if (dropped.contains(opener)) {
                return List.of();
            }
            try {
                return read(region, opener, calls.get(opener));
            } catch (JsonCalls.NotCalls unreadable) {
                return failure(unreadable.getMessage());
            }
        }
    }

    /**
     * The calls in a whole region (opener, JSON, and the close marker unless the stream ended before it),
     * none for an empty array; a lone call carries the whole region as its text.
     */
    static List<Piece.Call> read(String region, String opener, String close) throws JsonCalls.NotCalls {
        Scan scan = new Scan(close, opener.length());
        int end = scan.end(region);
        if (scan.values.isEmpty()) {
            throw new JsonCalls.NotCalls("no JSON after " + opener);
        }
        List<Piece.Call> calls = new ArrayList<>();
        for (int[] span : scan.values) {
            // A value still open ends where the scan stopped: at the close marker, or at the end of the stream
            // (before a partial close marker).
            boolean open = span[1] < 0;
            String text = region.substring(span[0], open ? scan.stop() : span[1]);
            calls.addAll(JsonCalls.calls(text, JsonCalls.Rules.LENIENT, open && end < 0));
        }
        // An empty array is a model saying "no calls": nothing to deliver.
        return calls.size() == 1 ? List.of(JsonCalls.withRaw(calls.getFirst(), region)) : calls;
    }
}
