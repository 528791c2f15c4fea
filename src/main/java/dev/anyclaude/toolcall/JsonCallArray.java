package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

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

    /** Whether {@code text} from {@code at} to its end is a proper prefix of {@code marker} (it may become it). */
    static boolean prefixAtEnd(String text, int at, String marker) {
        int rest = text.length() - at;
        return rest > 0 && rest < marker.length() && marker.regionMatches(0, text, at, rest);
    }

    /**
     * The structural scan of {@code opener ws VALUE... ws close}: strings are skipped, so a close marker inside
     * a string (a file that mentions it) does not end the region. Resumes where the previous call stopped as
     * long as it is shown the same region grown longer, so a long call fed in small chunks is scanned once.
     */
    static final class Scan {
        private static final int HEAD = 64;

        private final String close;
        private String head = "";
        private int pos;
        private int depth;
        private char quote;
        private boolean escaped;
        private final List<int[]> values = new ArrayList<>();

        Scan(String close) {
            this.close = close;
        }

        void reset() {
            head = "";
            pos = 0;
            depth = 0;
            quote = 0;
            escaped = false;
            values.clear();
        }

        /** The region's end (exclusive), or -1 while it may still go on. */
        int end(String region, int openerLength) {
            if (pos == 0 || region.length() < pos || !region.startsWith(head)) {
                reset();
                pos = openerLength;
                head = region.substring(0, Math.min(region.length(), HEAD));
            }
            int n = region.length();
            int i = pos;
            char first = close.charAt(0);
            while (i < n) {
                char c = region.charAt(i);
                if (quote != 0) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == quote) {
                        quote = 0;
                    }
                    i++;
                    continue;
                }
                if (c == first) {
                    // Markers are not JSON: outside a string this is the close even where brackets do not match.
                    if (region.startsWith(close, i)) {
                        closeValue(i);
                        pos = i;
                        return i + close.length();
                    }
                    if (prefixAtEnd(region, i, close)) {
                        pos = i;
                        return -1;
                    }
                }
                if (depth <= 0) {
                    if (c == '[' || c == '{') {
                        depth = 1;
                        values.add(new int[] {i, -1});
                    } else if (!Character.isWhitespace(c) && c != ',' && c != ']' && c != '}') {
                        // Text after the calls with no close marker: the region ends before it.
                        pos = i;
                        return i;
                    }
                    i++;
                    continue;
                }
                switch (c) {
                    case '"', '\'' -> quote = c;
                    case '[', '{' -> depth++;
                    case ']', '}' -> {
                        depth--;
                        if (depth == 0) {
                            closeValue(i + 1);
                        }
                    }
                    default -> {
                    }
                }
                i++;
            }
            pos = n;
            return -1;
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
        public final String name() {
            return name;
        }

        @Override
        public final FormatParser newParser() {
            return new Parser(Map.of(open, close), dropped, reasoning);
        }

        @Override
        public final List<String> openers() {
            return List.of(open);
        }

        @Override
        public final Claim claims(String fromOpener) {
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
        private final Map<String, Scan> textScans = new HashMap<>();
        private final Map<String, Scan> reasoningScans = new HashMap<>();
        private Map<String, Scan> scans = textScans;
        private boolean finishing;

        Parser(Map<String, String> calls, List<String> dropped, Reasoning reasoning) {
            super(openers(calls, dropped), reasoning);
            this.calls = Map.copyOf(calls);
            this.dropped = Set.copyOf(dropped);
            calls.forEach((open, close) -> {
                textScans.put(open, new Scan(close));
                reasoningScans.put(open, new Scan(close));
            });
        }

        private static List<String> openers(Map<String, String> calls, List<String> dropped) {
            List<String> all = new ArrayList<>(calls.keySet());
            all.addAll(dropped);
            return all;
        }

        /** Reasoning is scanned by a second machine whose open region must not share scan state with the text's. */
        @Override
        public void feedReasoning(String text, Consumer<Piece> out) {
            scans = reasoningScans;
            try {
                super.feedReasoning(text, out);
            } finally {
                scans = textScans;
            }
        }

        /** At the end both machines resolve their regions one after the other: each is scanned afresh, once. */
        @Override
        public void finish(Consumer<Piece> out) {
            finishing = true;
            super.finish(out);
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
        protected int regionEnd(String region, String opener, int from) {
            if (dropped.contains(opener)) {
                return opener.length();
            }
            Scan scan = scans.get(opener);
            if (finishing) {
                scan.reset();
            }
            return scan.end(region, opener.length());
        }

        @Override
        protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
            if (dropped.contains(opener)) {
                return List.of();
            }
            scans.get(opener).reset();
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
        Scan scan = new Scan(close);
        int end = scan.end(region, opener.length());
        if (scan.values.isEmpty()) {
            throw new JsonCalls.NotCalls("no JSON after " + opener);
        }
        List<Piece.Call> calls = new ArrayList<>();
        for (int[] span : scan.values) {
            // A value still open ends where the scan stopped: at the close marker, or at the end of the stream
            // (before a partial close marker).
            boolean open = span[1] < 0;
            String text = region.substring(span[0], open ? scan.pos : span[1]);
            calls.addAll(JsonCalls.calls(text, JsonCalls.Rules.LENIENT, open && end < 0));
        }
        // An empty array is a model saying "no calls": nothing to deliver.
        return calls.size() == 1 ? List.of(JsonCalls.withRaw(calls.getFirst(), region)) : calls;
    }
}
