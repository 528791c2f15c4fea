package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one reader of JSON call objects — {@code {"name": N, "arguments": {…}}}, alone or in an array — into
 * calls, for every family that writes them: Mistral before v11, Granite, Phi-4-mini, xLAM, LFM2, Llama 3.x
 * with {@code "parameters"}, and the arrays between markers of {@link JsonCallArray} (Jamba, Hunyuan,
 * Nemotron, Command). The arguments go on as JSON text for the typer.
 *
 * <p>Three levels of trust ({@link Trust}). With no marker at all (a bare array at the start of the output)
 * only strict JSON whose every object has a name and an arguments object counts, so ordinary JSON answers
 * stay text. Behind a format's own marker the text is a call whatever it looks like: JSON written with
 * Python literals ({@code {'name': …, 'arguments': {'x': True}}}) is read as well, a missing
 * {@code arguments} means none. The array families are read most leniently: what models write when they
 * almost write JSON (single quotes, raw newlines in strings, trailing commas, Python constants, a call cut
 * off right after it closed), {@code tool_name} or a string {@code function} for the name, {@code args} for
 * the arguments, and the OpenAI {@code {"function": {…}}} wrapper.
 */
final class JsonCalls {
    /** Keys a bare call object may have; anything else means the JSON is something other than a call. */
    private static final Set<String> BARE_KEYS = Set.of("name", "type", "arguments", "parameters", "id");

    /** Accepts more than JSON: what models write when they almost write JSON. */
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
                    JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** How much a text is trusted to be calls; see the class comment. */
    enum Trust {
        /** No marker: strict JSON, known keys only, arguments required. */
        BARE(List.of("name"), List.of("arguments", "parameters")),
        /** After a format's marker: JSON or Python literals. */
        MARKED(List.of("name"), List.of("arguments", "parameters")),
        /** A call array between markers: almost-JSON, more spellings of the keys. */
        LENIENT(List.of("name", "tool_name", "function"), List.of("arguments", "parameters", "args"));

        private final List<String> nameKeys;
        private final List<String> argumentKeys;

        Trust(List<String> nameKeys, List<String> argumentKeys) {
            this.nameKeys = nameKeys;
            this.argumentKeys = argumentKeys;
        }
    }

    /**
     * @param trust      how the text is read
     * @param typeAsName a {@code "type"} other than {@code "function"} names the tool (Granite writes that)
     */
    record Rules(Trust trust, boolean typeAsName) {
        static final Rules MARKED = new Rules(Trust.MARKED, false);
        static final Rules BARE = new Rules(Trust.BARE, false);
        static final Rules LENIENT = new Rules(Trust.LENIENT, false);

        boolean bare() {
            return trust == Trust.BARE;
        }

        boolean lenient() {
            return trust == Trust.LENIENT;
        }
    }

    /** The text does not hold calls; the message says why. */
    static final class NotCalls extends Exception {
        NotCalls(String message) {
            super(message);
        }
    }

    private JsonCalls() {
    }

    /**
     * The calls in {@code body}, a JSON array of call objects or one call object. {@code raw} is the text
     * of the whole region: a lone call carries it; each call of several carries its own element's text.
     */
    static List<Piece.Call> read(String body, String raw, Rules rules) throws NotCalls {
        List<Piece.Call> calls = calls(body, rules, false);
        if (calls.isEmpty()) {
            throw new NotCalls("an empty call list");
        }
        return calls.size() == 1 ? List.of(withRaw(calls.getFirst(), raw)) : calls;
    }

    /** {@code call} carrying {@code raw} as its text. */
    static Piece.Call withRaw(Piece.Call call, String raw) {
        return new Piece.Call(call.name(), call.arguments(), raw);
    }

    /**
     * The calls of one JSON value, an object or an array of them (none for an empty array), each carrying
     * its own text. {@code cutOff}: the stream ended inside the value.
     */
    static List<Piece.Call> calls(String text, Rules rules, boolean cutOff) throws NotCalls {
        JsonNode tree = tree(text, rules, cutOff);
        if (!tree.isArray() && (tree.isObject() || rules.lenient())) {
            return List.of(call(tree, text, rules));
        }
        if (!tree.isArray()) {
            throw new NotCalls("not a call object or a list of them");
        }
        List<int[]> spans = tree.isEmpty() ? null : BracketScanner.elementSpans(text, !rules.bare());
        List<Piece.Call> calls = new ArrayList<>(tree.size());
        for (int k = 0; k < tree.size(); k++) {
            JsonNode element = tree.get(k);
            String elementRaw = spans != null && spans.size() == tree.size()
                    ? text.substring(spans.get(k)[0], spans.get(k)[1]) : tree.size() == 1 ? text : Json.string(element);
            calls.add(call(element, elementRaw, rules));
        }
        return calls;
    }

    /** The text as a tree, as far as {@code rules} trust it. */
    private static JsonNode tree(String text, Rules rules, boolean cutOff) throws NotCalls {
        if (rules.lenient()) {
            return lenientTree(text, cutOff);
        }
        try {
            return Json.parse(text);
        } catch (JacksonException notJson) {
            if (rules.bare()) {
                throw new NotCalls("not JSON");
            }
        }
        try {
            return PythonLiterals.literal(text);
        } catch (PythonLiterals.NotLiteral notPython) {
            throw new NotCalls("not JSON: " + notPython.getMessage());
        }
    }

    private static JsonNode lenientTree(String text, boolean cutOff) throws NotCalls {
        try {
            return LENIENT.readTree(text);
        } catch (JacksonException notJson) {
            // fall through to the repairs
        }
        String python = pythonConstants(text);
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
        throw new NotCalls(cutOff ? "the calls were cut off" : "the calls are not JSON");
    }

    /** Python {@code True/False/None} outside strings as JSON literals. */
    static String pythonConstants(String text) {
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

    private static Piece.Call call(JsonNode node, String raw, Rules rules) throws NotCalls {
        if (!node.isObject()) {
            throw new NotCalls(rules.lenient() ? "a call that is not an object: " + abbreviate(Json.string(node))
                    : "a call list element is not an object");
        }
        if (rules.bare()) {
            for (String key : node.propertyNames()) {
                if (!BARE_KEYS.contains(key)) {
                    throw new NotCalls("unexpected key \"" + key + "\"");
                }
            }
        }
        JsonNode body = rules.lenient() && node.get("function") != null && node.get("function").isObject()
                ? node.get("function") : node;
        String name = null;
        for (String key : rules.trust().nameKeys) {
            name = Json.text(body, key);
            if (name != null) {
                break;
            }
        }
        String type = Json.text(node, "type");
        if (name == null && rules.typeAsName() && type != null && !type.equals("function")) {
            name = type;
        } else if (type != null && !type.equals("function") && rules.bare()) {
            throw new NotCalls("\"type\" is not \"function\"");
        }
        if (name == null || name.isBlank()) {
            throw new NotCalls(rules.lenient() ? "a call without a name: " + abbreviate(raw) : "no tool name");
        }
        JsonNode arguments = null;
        for (String key : rules.trust().argumentKeys) {
            arguments = body.get(key);
            if (arguments != null) {
                break;
            }
        }
        if (arguments == null || arguments.isNull()) {
            if (rules.bare()) {
                throw new NotCalls("no arguments");
            }
            return new Piece.Call(name, new Arguments.JsonText("{}"), raw);
        }
        if (rules.bare() && !arguments.isObject() && !arguments.isString()) {
            throw new NotCalls("the arguments are not an object");
        }
        return new Piece.Call(name, new Arguments.JsonText(Json.string(arguments)), raw);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /**
     * Whether the start of {@code text} ({@code [} or {@code {} already checked by the caller) could still
     * be a call object: the first key of the (first) object, once written, is a call key. Lets a bare
     * detection give up on ordinary JSON early instead of holding it to its end. Null: cannot tell yet.
     */
    static Boolean callShapedStart(CharSequence text, int at) {
        int i = at;
        if (i < text.length() && text.charAt(i) == '[') {
            i = Scanning.skipWhitespace(text, i + 1);
            if (i >= text.length()) {
                return null;
            }
            if (text.charAt(i) != '{') {
                return false;
            }
        }
        i = Scanning.skipWhitespace(text, i + 1);
        if (i >= text.length()) {
            return null;
        }
        if (text.charAt(i) != '"') {
            return false;
        }
        int close = i + 1;
        while (close < text.length() && text.charAt(close) != '"' && close - i <= 16) {
            close++;
        }
        if (close - i > 16) {
            return false; // longer than any call key
        }
        if (close >= text.length()) {
            return null;
        }
        return BARE_KEYS.contains(text.subSequence(i + 1, close).toString());
    }
}
