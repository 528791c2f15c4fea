package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the JSON call objects many families write — {@code {"name": N, "arguments": {…}}}, alone or in an
 * array (Mistral before v11, Granite, Phi-4-mini, xLAM, LFM2, Llama 3.x with {@code "parameters"}) — into
 * calls. The arguments go on as JSON text for the typer.
 *
 * <p>Two levels of trust. Behind a format's own marker the text is a call whatever it looks like: JSON
 * written with Python literals ({@code {'name': …, 'arguments': {'x': True}}}) is read as well, a missing
 * {@code arguments} means none. With no marker at all (a bare array at the start of the output) only
 * strict JSON whose every object has a name and an arguments object counts, so ordinary JSON answers
 * stay text.
 */
final class JsonCalls {
    /** Keys a bare call object may have; anything else means the JSON is something other than a call. */
    private static final Set<String> BARE_KEYS = Set.of("name", "type", "arguments", "parameters", "id");

    /**
     * @param bare       no marker announced the text: strict JSON, known keys only, arguments required
     * @param typeAsName a {@code "type"} other than {@code "function"} names the tool (Granite writes that)
     */
    record Rules(boolean bare, boolean typeAsName) {
        static final Rules MARKED = new Rules(false, false);
        static final Rules BARE = new Rules(true, false);
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
        JsonNode tree = tree(body, !rules.bare());
        boolean python = tree == null;
        if (tree == null) {
            try {
                tree = PythonLiterals.literal(body);
            } catch (PythonLiterals.NotLiteral notPython) {
                throw new NotCalls("not JSON: " + notPython.getMessage());
            }
        }
        if (tree.isObject()) {
            return List.of(call(tree, raw, rules));
        }
        if (!tree.isArray() || tree.isEmpty()) {
            throw new NotCalls(tree.isArray() ? "an empty call list" : "not a call object or a list of them");
        }
        List<int[]> spans = tree.size() == 1 ? null : BracketScanner.elementSpans(body, python);
        List<Piece.Call> calls = new ArrayList<>(tree.size());
        for (int k = 0; k < tree.size(); k++) {
            JsonNode element = tree.get(k);
            String elementRaw;
            if (tree.size() == 1) {
                elementRaw = raw;
            } else if (spans != null && spans.size() == tree.size()) {
                elementRaw = body.substring(spans.get(k)[0], spans.get(k)[1]);
            } else {
                elementRaw = Json.string(element);
            }
            calls.add(call(element, elementRaw, rules));
        }
        return calls;
    }

    /** Strict JSON, or null when the text is not JSON (and {@code lenient} allows a Python-literal try). */
    private static JsonNode tree(String text, boolean lenient) throws NotCalls {
        try {
            return Json.parse(text);
        } catch (JacksonException notJson) {
            if (lenient) {
                return null;
            }
            throw new NotCalls("not JSON");
        }
    }

    private static Piece.Call call(JsonNode node, String raw, Rules rules) throws NotCalls {
        if (!node.isObject()) {
            throw new NotCalls("a call list element is not an object");
        }
        if (rules.bare()) {
            for (String key : node.propertyNames()) {
                if (!BARE_KEYS.contains(key)) {
                    throw new NotCalls("unexpected key \"" + key + "\"");
                }
            }
        }
        String type = Json.text(node, "type");
        String name = Json.text(node, "name");
        if (name == null && rules.typeAsName() && type != null && !type.equals("function")) {
            name = type;
        } else if (type != null && !type.equals("function") && rules.bare()) {
            throw new NotCalls("\"type\" is not \"function\"");
        }
        if (name == null || name.isBlank()) {
            throw new NotCalls("no tool name");
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
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

    /**
     * Whether the start of {@code text} ({@code [} or {@code {} already checked by the caller) could still
     * be a call object: the first key of the (first) object, once written, is a call key. Lets a bare
     * detection give up on ordinary JSON early instead of holding it to its end. Null: cannot tell yet.
     */
    static Boolean callShapedStart(CharSequence text, int at) {
        int i = at;
        if (i < text.length() && text.charAt(i) == '[') {
            i = skipSpace(text, i + 1);
            if (i >= text.length()) {
                return null;
            }
            if (text.charAt(i) != '{') {
                return false;
            }
        }
        i = skipSpace(text, i + 1);
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

    static int skipSpace(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
