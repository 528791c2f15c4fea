package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hermes-style JSON calls, as written by Hermes 2 Pro / 3, Qwen2.5, Qwen3 (not Coder), QwQ, MiMo and
 * Granite 4: {@code <tool_call>{"name": N, "arguments": {...}}</tool_call>}, one block per call.
 *
 * <p>Tolerated: {@code "arguments"} before {@code "name"}, Python dict reprs (single quotes), arguments
 * encoded as a JSON string, {@code "parameters"} for {@code "arguments"}, the OpenAI shape
 * {@code {"type": "function", "function": {...}}}, spaces around the JSON, several objects in one block,
 * and a missing {@code </tool_call>} when the stream ends after a complete object. The arguments are
 * passed on as written ({@link Arguments.JsonText}); the typer repairs literals and double encoding.
 *
 * <p>The end of a call is found by matching braces outside JSON strings, so {@code </tool_call>} inside a
 * string value (code being written) does not end it. Reasoning is {@code <think>}…{@code </think>}.
 */
public final class HermesFormat implements ToolCallFormat {

    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    private final Reasoning reasoning;

    public HermesFormat() {
        this(false);
    }

    /**
     * @param reasoningStartsInside the prompt template opened {@code <think>} (QwQ, Qwen3-2507-Thinking with
     *                              thinking on): the output is reasoning up to {@code </think>}
     */
    public HermesFormat(boolean reasoningStartsInside) {
        this.reasoning = reasoningStartsInside ? Reasoning.THINK.startingInside() : Reasoning.THINK;
    }

    @Override
    public String name() {
        return "hermes";
    }

    @Override
    public List<String> openers() {
        return List.of(OPEN);
    }

    @Override
    public Claim claims(String fromOpener) {
        return claim(fromOpener, false);
    }

    /** {@code <tool_call>} followed, after whitespace, by an opening brace is a Hermes call (a Python dict starts so too). */
    static Claim claim(String fromOpener, boolean atEnd) {
        if (!fromOpener.startsWith(OPEN)) {
            return Claim.NO;
        }
        int i = Scanning.skipWhitespace(fromOpener, OPEN.length());
        if (i == fromOpener.length()) {
            return atEnd ? Claim.NO : Claim.MAYBE;
        }
        return fromOpener.charAt(i) == '{' ? Claim.YES : Claim.NO;
    }

    @Override
    public FormatParser newParser() {
        return new Parser(reasoning);
    }

    private static final class Parser extends RegionParser {

        Parser(Reasoning reasoning) {
            super(List.of(OPEN), reasoning);
        }

        @Override
        protected Claim accepts(String region, String opener, boolean atEnd) {
            return claim(region, atEnd);
        }

        @Override
        protected RegionScan scan(String opener) {
            return new Scan()::advance;
        }

        @Override
        protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
            Scan scan = new Scan();
            scan.advance(region);
            List<int[]> objects = new ArrayList<>(scan.objects);
            if (scan.json.depth() > 0) {
                if (!scan.closedUnbalanced) {
                    return failure("the call's JSON is cut off");
                }
                // The model closed the block with a brace short: close the JSON for it, nothing more.
                objects.add(new int[]{scan.openedAt, -1});
            }
            if (objects.isEmpty()) {
                return failure("no JSON object in the call");
            }
            List<Piece.Call> calls = new ArrayList<>(objects.size());
            for (int k = 0; k < objects.size(); k++) {
                int[] span = objects.get(k);
                String json = span[1] < 0
                        ? ToolArguments.repair(region.substring(span[0], scan.closeAt))
                        : region.substring(span[0], span[1]);
                int rawStart = k == 0 ? 0 : span[0];
                int rawEnd = k == objects.size() - 1 ? region.length() : objects.get(k + 1)[0];
                String raw = region.substring(rawStart, rawEnd);
                Piece.Call call = call(json, raw);
                if (call == null) {
                    return failure("no tool name in " + abbreviate(json));
                }
                calls.add(call);
            }
            return calls;
        }
    }

    /**
     * Brace matching over the region, outside strings in double or single quotes (with escapes). Stops
     * at {@code </tool_call>} outside a string, at a following {@code <tool_call>}, or at other text after
     * a complete object (the block was never closed).
     */
    private static final class Scan {
        final List<int[]> objects = new ArrayList<>(1);
        final BracketScanner json = BracketScanner.counting(BracketScanner.Quotes.LENIENT);
        int openedAt = -1;
        int lastObjectEnd = -1;
        boolean closedUnbalanced;
        int closeAt = -1;
        int end = -1;

        Scan() {
            json.moveTo(OPEN.length());
        }

        int advance(CharSequence region) {
            if (end >= 0) {
                return end;
            }
            int length = region.length();
            while (json.pos() < length) {
                int pos = json.pos();
                char c = region.charAt(pos);
                if (json.inString()) {
                    json.step(region);
                    continue;
                }
                if (json.depth() == 0) {
                    if (Character.isWhitespace(c)) {
                        json.moveTo(pos + 1);
                    } else if (c == '{') {
                        openedAt = pos;
                        json.step(region);
                    } else if ((c == '}' || c == ']') && lastObjectEnd >= 0) {
                        // A closer too many after the object (a common slip): not the end of the block yet.
                        json.moveTo(pos + 1);
                    } else if (Scanning.at(region, pos, CLOSE)) {
                        closeAt = pos;
                        return end = pos + CLOSE.length();
                    } else if (Scanning.at(region, pos, OPEN)) {
                        return end = lastObjectEnd;
                    } else if (Scanning.cutShort(region, pos, CLOSE) || Scanning.cutShort(region, pos, OPEN)) {
                        return -1;
                    } else {
                        // Text after the object: the block was never closed.
                        return end = lastObjectEnd < 0 ? pos : lastObjectEnd;
                    }
                    continue;
                }
                if (c == '<') {
                    if (Scanning.at(region, pos, CLOSE)) {
                        // Outside any string: the model ended the call with its JSON unbalanced.
                        closedUnbalanced = true;
                        closeAt = pos;
                        return end = pos + CLOSE.length();
                    }
                    if (Scanning.cutShort(region, pos, CLOSE)) {
                        return -1;
                    }
                }
                if (json.step(region) == BracketScanner.Step.CLOSE && json.depth() == 0) {
                    lastObjectEnd = pos + 1;
                    objects.add(new int[]{openedAt, lastObjectEnd});
                }
            }
            return -1;
        }
    }

    /** One call from a JSON (or Python dict) object, or null when it names no tool. */
    static Piece.Call call(String object, String raw) {
        Map<String, String> members = members(object);
        if (members == null) {
            return null;
        }
        String function = members.get("function");
        if (function != null && function.startsWith("{") && !members.containsKey("name")) {
            // OpenAI shape: {"type": "function", "function": {"name": ..., "arguments": ...}}
            return call(function, raw);
        }
        String name = members.containsKey("name") ? unquote(members.get("name")) : null;
        if (name == null && function != null) {
            name = unquote(function);
        }
        if (name == null || name.isBlank()) {
            return null;
        }
        String arguments = members.get("arguments");
        if (arguments == null) {
            arguments = members.get("parameters");
        }
        return new Piece.Call(name, new Arguments.JsonText(arguments == null ? "{}" : arguments), raw);
    }

    /**
     * The top-level members of an object, each value as its raw text; null when the text is not shaped
     * like an object. Keys may be double-quoted, single-quoted or bare; the first occurrence of a key wins.
     */
    static Map<String, String> members(String object) {
        String text = object.strip();
        if (!text.startsWith("{")) {
            return null;
        }
        Map<String, String> members = new LinkedHashMap<>();
        int i = 1;
        int n = text.length();
        while (true) {
            while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
                i++;
            }
            if (i >= n || text.charAt(i) == '}') {
                return members;
            }
            String key;
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int close = stringEnd(text, i);
                if (close < 0) {
                    return null;
                }
                key = unquote(text.substring(i, close));
                i = close;
            } else {
                int colon = text.indexOf(':', i);
                if (colon < 0) {
                    return null;
                }
                key = text.substring(i, colon).strip();
                i = colon;
            }
            i = Scanning.skipWhitespace(text, i);
            if (i >= n || text.charAt(i) != ':') {
                return null;
            }
            int start = Scanning.skipWhitespace(text, i + 1);
            int end = valueEnd(text, start);
            members.putIfAbsent(key, text.substring(start, end).strip());
            i = end;
        }
    }

    /** Index after the string literal starting at {@code start}, or -1 when it is not closed. */
    private static int stringEnd(String text, int start) {
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Where a member's value ends: the next top-level comma or the object's closing brace. */
    private static int valueEnd(String text, int start) {
        int depth = 0;
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int close = stringEnd(text, i);
                if (close < 0) {
                    return text.length();
                }
                i = close;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
            i++;
        }
        return i;
    }

    /** A name value as text: a JSON string decoded, a single-quoted one unescaped, anything else as is. */
    private static String unquote(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            try {
                JsonNode node = Json.parse(value);
                if (node.isString()) {
                    return node.stringValue();
                }
            } catch (JacksonException notJson) {
                // fall through to the plain strip
            }
            return value.substring(1, value.length() - 1);
        }
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("\\'", "'").replace("\\\\", "\\");
        }
        return value;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
