package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyword-argument calls, for the pythonic tool-call formats ({@code [get_weather(city="SF"), get_time(tz='PST')]}:
 * Llama 4, Llama 3.2 lightweight, ToolACE, Gemma 3 prompted, LFM2), and JSON payloads a model wrote with
 * Python syntax ({@code {'a': True}}). A thin layer on {@link PythonLiteral}, which reads every value in its
 * call dialect (literals only, like {@code ast.literal_eval}, plus sets, byte strings and {@code \N{NAME}}).
 *
 * <p>Names, calls, arithmetic, f-strings or anything else in a value make the whole text not a call. Calls
 * take keyword arguments only ({@code **{'-i': True}} is allowed, for argument names Python cannot spell);
 * the result is JSON.
 */
final class PythonLiterals {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The text is not (only) Python literals / calls. */
    static final class NotLiteral extends Exception {
        NotLiteral(String message) {
            super(message);
        }
    }

    /** A call as written: name, keyword arguments as a JSON object, and where it stands in the text. */
    record PyCall(String name, ObjectNode arguments, int start, int end) {
    }

    private final String s;
    private int i;

    private PythonLiterals(String text) {
        this.s = text;
    }

    /**
     * The calls of {@code text}, which must be nothing but a list of calls {@code [f(a=1), g()]} or calls
     * separated by commas or line breaks ({@code f(a=1)\ng()}), whitespace around them aside.
     */
    static List<PyCall> calls(String text) throws NotLiteral {
        PythonLiterals p = new PythonLiterals(text);
        p.skipSpace();
        List<PyCall> calls = new ArrayList<>();
        if (p.peek() == '[') {
            p.i++;
            p.skipSpace();
            while (p.peek() != ']') {
                calls.add(p.call());
                p.skipSpace();
                if (p.peek() == ',') {
                    p.i++;
                    p.skipSpace();
                } else if (p.peek() != ']') {
                    throw p.error("expected ',' or ']' after a call");
                }
            }
            p.i++;
        } else {
            while (true) {
                calls.add(p.call());
                p.skipSpace();
                if (p.peek() == ',') {
                    p.i++;
                    p.skipSpace();
                } else if (p.atEnd()) {
                    break;
                }
            }
        }
        p.skipSpace();
        if (!p.atEnd()) {
            throw p.error("text after the calls");
        }
        if (calls.isEmpty()) {
            throw new NotLiteral("no calls in the list");
        }
        return calls;
    }

    /** The one call {@code name(k=v, …)} that is all of {@code text}. */
    static PyCall call(String text) throws NotLiteral {
        PythonLiterals p = new PythonLiterals(text);
        p.skipSpace();
        PyCall call = p.call();
        p.skipSpace();
        if (!p.atEnd()) {
            throw p.error("text after the call");
        }
        return call;
    }

    /** The literal that is all of {@code text}, as JSON. */
    static JsonNode literal(String text) throws NotLiteral {
        PythonLiterals p = new PythonLiterals(text);
        JsonNode value = p.value();
        p.skipSpace();
        if (!p.atEnd()) {
            throw p.error("text after the value");
        }
        return value;
    }

    /** Whether {@code c} may be part of a call's name: Python identifiers, dotted, and MCP-style dashes. */
    static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    private PyCall call() throws NotLiteral {
        int start = i;
        if (atEnd() || !(Character.isLetter(peek()) || peek() == '_')) {
            throw error("expected a function name");
        }
        while (!atEnd() && isNameChar(peek())) {
            i++;
        }
        String name = s.substring(start, i);
        skipSpace();
        if (peek() != '(') {
            throw error("expected '(' after " + name);
        }
        i++;
        ObjectNode arguments = NODES.objectNode();
        skipSpace();
        while (peek() != ')') {
            if (atEnd()) {
                throw error("unclosed call");
            }
            if (s.startsWith("**", i)) {
                i += 2;
                JsonNode spread = value();
                if (!spread.isObject()) {
                    throw error("** needs a dict");
                }
                for (var entry : spread.properties()) {
                    putArgument(arguments, entry.getKey(), entry.getValue());
                }
            } else {
                String key = argumentName();
                putArgument(arguments, key, value());
            }
            skipSpace();
            if (peek() == ',') {
                i++;
                skipSpace();
            } else if (peek() != ')') {
                throw error("expected ',' or ')' in the arguments of " + name);
            }
        }
        i++;
        return new PyCall(name, arguments, start, i);
    }

    private void putArgument(ObjectNode arguments, String key, JsonNode value) throws NotLiteral {
        if (arguments.has(key)) {
            throw error("argument " + key + " repeated");
        }
        arguments.set(key, value);
    }

    /** A keyword argument's name and its {@code =}; a value without a name is a positional argument. */
    private String argumentName() throws NotLiteral {
        int start = i;
        // Python spells no '-' in a name, but tools have parameters like Grep's "-i" and models write them
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '-')) {
            i++;
        }
        String name = s.substring(start, i);
        skipSpace();
        if (name.isEmpty() || Character.isDigit(name.charAt(0)) || peek() != '=' || s.startsWith("==", i)) {
            i = start;
            throw error("positional argument (only keyword arguments are calls)");
        }
        i++;
        return name;
    }

    /** One value, read by {@link PythonLiteral} in its call dialect (whitespace before it skipped). */
    private JsonNode value() throws NotLiteral {
        try {
            PythonLiteral.Prefix value = PythonLiteral.readCallValue(s, i);
            i = value.end();
            return value.value();
        } catch (PythonLiteral.NotALiteral notALiteral) {
            throw new NotLiteral(notALiteral.getMessage());
        }
    }

    private void skipSpace() {
        i = PythonLiteral.skipSpace(s, i);
    }

    private boolean atEnd() {
        return i >= s.length();
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private NotLiteral error(String message) {
        return new NotLiteral(message + " at " + i);
    }

    /** The calls of {@code body} (see {@link #calls}) as pieces, {@code raw} the text a lone call carries. */
    static List<Piece.Call> read(String body, String raw) throws NotLiteral {
        return pieces(calls(body), body, raw);
    }

    /**
     * The calls as pieces: their arguments as JSON text; {@code raw} (the whole region) for a lone call,
     * each call's own text (in {@code text}, which was parsed) for several.
     */
    static List<Piece.Call> pieces(List<PyCall> calls, String text, String raw) {
        List<Piece.Call> pieces = new ArrayList<>(calls.size());
        for (PyCall call : calls) {
            String callRaw = calls.size() == 1 ? raw : text.substring(call.start(), call.end());
            pieces.add(new Piece.Call(call.name(), new Arguments.JsonText(Json.string(call.arguments())), callRaw));
        }
        return pieces;
    }
}
