package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

    private static final List<String> NAME_KEYS = List.of("name", "tool_name", "function");
    private static final List<String> ARGUMENT_KEYS = List.of("arguments", "parameters", "args");

    /** Accepts more than JSON: what models write when they almost write JSON. */
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
                    JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

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
            } catch (IllegalArgumentException unreadable) {
                return failure(unreadable.getMessage());
            }
        }
    }

    /**
     * The calls in a whole region (opener, JSON, and the close marker unless the stream ended before it).
     *
     * @return the calls, none for an empty array
     * @throws IllegalArgumentException with the reason when the region cannot be read
     */
    static List<Piece.Call> read(String region, String opener, String close) {
        Scan scan = new Scan(close);
        int end = scan.end(region, opener.length());
        if (scan.values.isEmpty()) {
            throw new IllegalArgumentException("no JSON after " + opener);
        }
        List<Entry> entries = new ArrayList<>();
        for (int[] span : scan.values) {
            // A value still open ends where the scan stopped: at the close marker, or at the end of the stream
            // (before a partial close marker).
            boolean open = span[1] < 0;
            String text = region.substring(span[0], open ? scan.pos : span[1]);
            entries.addAll(entries(text, open && end < 0));
        }
        // An empty array is a model saying "no calls": nothing to deliver.
        List<Piece.Call> out = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            String raw = entries.size() == 1 ? region : entry.raw();
            out.add(new Piece.Call(entry.name(), new Arguments.JsonText(entry.arguments()), raw));
        }
        return out;
    }

    private record Entry(String name, String arguments, String raw) {
    }

    /** The calls of one top-level JSON value; {@code cutOff} says the stream ended inside it. */
    private static List<Entry> entries(String text, boolean cutOff) {
        JsonNode node = parse(text, cutOff);
        List<Entry> entries = new ArrayList<>();
        if (node.isArray()) {
            List<String> raws = elements(text);
            int index = 0;
            for (JsonNode element : node) {
                String raw = index < raws.size() ? raws.get(index) : Json.string(element);
                entries.add(entry(element, raw));
                index++;
            }
        } else {
            entries.add(entry(node, text));
        }
        return entries;
    }

    private static Entry entry(JsonNode call, String raw) {
        if (!call.isObject()) {
            throw new IllegalArgumentException("a call that is not an object: " + abbreviate(Json.string(call)));
        }
        JsonNode body = call.get("function") != null && call.get("function").isObject() ? call.get("function") : call;
        String name = null;
        for (String key : NAME_KEYS) {
            name = Json.text(body, key);
            if (name != null) {
                break;
            }
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a call without a name: " + abbreviate(raw));
        }
        JsonNode arguments = null;
        for (String key : ARGUMENT_KEYS) {
            arguments = body.get(key);
            if (arguments != null) {
                break;
            }
        }
        String json = arguments == null || arguments.isNull() ? "{}" : Json.string(arguments);
        return new Entry(name, json, raw);
    }

    private static JsonNode parse(String text, boolean cutOff) {
        try {
            return LENIENT.readTree(text);
        } catch (JacksonException notJson) {
            // fall through to the repairs
        }
        String python = pythonLiterals(text);
        try {
            return LENIENT.readTree(python);
        } catch (JacksonException notJson) {
            // fall through
        }
        // Cut off by the end of the stream right after a complete call: close what is open. A value cut off
        // in the middle (a half-written string or number) is not a call.
        String trimmed = python.strip();
        char last = trimmed.isEmpty() ? 0 : trimmed.charAt(trimmed.length() - 1);
        if (cutOff && (last == '}' || last == ']')) {
            try {
                return LENIENT.readTree(ToolArguments.repair(python));
            } catch (JacksonException notJson) {
                // fall through
            }
        }
        throw new IllegalArgumentException(cutOff ? "the calls were cut off" : "the calls are not JSON");
    }

    /** Python {@code True/False/None} outside strings as JSON literals. */
    static String pythonLiterals(String text) {
        StringBuilder out = new StringBuilder(text.length());
        char quote = 0;
        boolean escaped = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == quote) {
                    quote = 0;
                }
                out.append(c);
                i++;
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
            } else if (Character.isLetter(c) && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
                int end = i;
                while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
                    end++;
                }
                String word = text.substring(i, end);
                out.append(switch (word) {
                    case "True" -> "true";
                    case "False" -> "false";
                    case "None" -> "null";
                    default -> word;
                });
                i = end;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** The source text of each element of a JSON array, found by the same string-aware bracket count. */
    private static List<String> elements(String array) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        boolean escaped = false;
        int start = -1;
        for (int i = 0; i < array.length(); i++) {
            char c = array.charAt(i);
            if (quote != 0) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'' -> quote = c;
                case '[', '{' -> {
                    depth++;
                    if (depth == 2) {
                        start = i;
                    }
                }
                case ']', '}' -> {
                    if (depth == 2 && start >= 0) {
                        out.add(array.substring(start, i + 1));
                        start = -1;
                    }
                    depth--;
                }
                default -> {
                }
            }
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
