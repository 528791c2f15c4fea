package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A small, safe reader of Python literals and keyword-argument calls, for the pythonic tool-call
 * formats ({@code [get_weather(city="SF"), get_time(tz='PST')]}: Llama 4, Llama 3.2 lightweight, ToolACE,
 * Gemma 3 prompted, LFM2) and for JSON payloads a model wrote with Python syntax ({@code {'a': True}}).
 *
 * <p>Only literals are read, like Python's {@code ast.literal_eval}: strings in either quote kind (also
 * triple-quoted, raw, adjacent ones concatenated, with Python's escapes), numbers, {@code True},
 * {@code False}, {@code None} (and JSON's {@code true}, {@code false}, {@code null}, which OLMo-style
 * models write), lists, tuples, dicts and sets. Names, calls, arithmetic, f-strings or anything else in a
 * value make the whole text not a call. Calls take keyword arguments only ({@code **{'-i': True}} is
 * allowed, for argument names Python cannot spell); the result is JSON.
 */
final class PythonLiterals {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 200;
    private static final Set<String> STRING_PREFIXES = Set.of("r", "u", "b", "br", "rb");

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
    private int depth;

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
        p.skipSpace();
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
                skipSpace();
                JsonNode spread = value();
                if (!spread.isObject()) {
                    throw error("** needs a dict");
                }
                for (var entry : spread.properties()) {
                    putArgument(arguments, entry.getKey(), entry.getValue());
                }
            } else {
                String key = argumentName();
                skipSpace();
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

    private JsonNode value() throws NotLiteral {
        if (++depth > MAX_DEPTH) {
            throw error("nested too deep");
        }
        try {
            skipSpace();
            if (atEnd()) {
                throw error("expected a value");
            }
            char c = peek();
            if (c == '"' || c == '\'') {
                return NODES.stringNode(strings());
            }
            if (c == '[') {
                i++;
                return NODES.arrayNode().addAll(sequence(']'));
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '{') {
                return dictOrSet();
            }
            if (Character.isDigit(c) || c == '.' || c == '-' || c == '+') {
                return number();
            }
            if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
                    i++;
                }
                String word = s.substring(start, i);
                if (!atEnd() && (peek() == '"' || peek() == '\'')
                        && STRING_PREFIXES.contains(word.toLowerCase(Locale.ROOT))) {
                    i = start;
                    return NODES.stringNode(strings());
                }
                return switch (word) {
                    case "True", "true" -> NODES.booleanNode(true);
                    case "False", "false" -> NODES.booleanNode(false);
                    case "None", "null" -> NODES.nullNode();
                    default -> {
                        i = start;
                        throw error("'" + word + "' is a name, not a literal");
                    }
                };
            }
            throw error("unexpected '" + c + "'");
        } finally {
            depth--;
        }
    }

    /** Values up to {@code close} (already past the opening bracket); a trailing comma is allowed. */
    private List<JsonNode> sequence(char close) throws NotLiteral {
        List<JsonNode> values = new ArrayList<>();
        skipSpace();
        while (peek() != close) {
            values.add(value());
            skipSpace();
            if (peek() == ',') {
                i++;
                skipSpace();
            } else if (peek() != close) {
                throw error("expected ',' or '" + close + "'");
            }
        }
        i++;
        return values;
    }

    private JsonNode tuple() throws NotLiteral {
        i++;
        skipSpace();
        if (peek() == ')') {
            i++;
            return NODES.arrayNode();
        }
        JsonNode first = value();
        skipSpace();
        if (peek() == ')') {
            i++;
            return first; // (x) is x in parentheses, not a tuple
        }
        if (peek() != ',') {
            throw error("expected ',' or ')'");
        }
        i++;
        ArrayNode tuple = NODES.arrayNode().add(first);
        return tuple.addAll(sequence(')'));
    }

    private JsonNode dictOrSet() throws NotLiteral {
        i++;
        skipSpace();
        ObjectNode dict = NODES.objectNode();
        if (peek() == '}') {
            i++;
            return dict;
        }
        JsonNode firstKey = value();
        skipSpace();
        if (peek() != ':') {
            // a set {a, b}: JSON has none, an array is the closest
            ArrayNode set = NODES.arrayNode().add(firstKey);
            if (peek() == ',') {
                i++;
                return set.addAll(sequence('}'));
            }
            if (peek() == '}') {
                i++;
                return set;
            }
            throw error("expected ':' in a dict");
        }
        JsonNode key = firstKey;
        while (true) {
            i++; // the ':'
            dict.set(keyText(key), value());
            skipSpace();
            if (peek() == ',') {
                i++;
                skipSpace();
            }
            if (peek() == '}') {
                i++;
                return dict;
            }
            if (atEnd()) {
                throw error("unclosed dict");
            }
            key = value();
            skipSpace();
            if (peek() != ':') {
                throw error("expected ':' in a dict");
            }
        }
    }

    /** The JSON key for a dict key, as Python's json.dumps writes it. */
    private String keyText(JsonNode key) throws NotLiteral {
        if (key.isString()) {
            return key.stringValue();
        }
        if (key.isNull()) {
            return "null";
        }
        if (key.isBoolean() || key.isNumber()) {
            return key.asString();
        }
        throw error("a dict key must be a string, number or constant");
    }

    private JsonNode number() throws NotLiteral {
        int start = i;
        boolean negative = false;
        while (peek() == '-' || peek() == '+') {
            if (peek() == '-') {
                negative = !negative;
            }
            i++;
            skipSpace();
        }
        int digits = i;
        if (s.startsWith("0x", i) || s.startsWith("0X", i) || s.startsWith("0o", i) || s.startsWith("0O", i)
                || s.startsWith("0b", i) || s.startsWith("0B", i)) {
            int radix = switch (Character.toLowerCase(s.charAt(i + 1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            i += 2;
            int from = i;
            while (!atEnd() && (Character.digit(peek(), radix) >= 0 || peek() == '_')) {
                i++;
            }
            String text = s.substring(from, i).replace("_", "");
            if (text.isEmpty()) {
                throw error("bad number");
            }
            endOfNumber();
            BigInteger value = new BigInteger(text, radix);
            return integer(negative ? value.negate() : value);
        }
        boolean isFloat = false;
        while (!atEnd() && (Character.isDigit(peek()) || peek() == '_')) {
            i++;
        }
        if (peek() == '.') {
            isFloat = true;
            i++;
            while (!atEnd() && (Character.isDigit(peek()) || peek() == '_')) {
                i++;
            }
        }
        if (i > digits && (peek() == 'e' || peek() == 'E')) {
            int mark = i;
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!Character.isDigit(peek())) {
                i = mark;
            } else {
                isFloat = true;
                while (!atEnd() && (Character.isDigit(peek()) || peek() == '_')) {
                    i++;
                }
            }
        }
        String text = s.substring(digits, i).replace("_", "");
        if (text.isEmpty() || text.equals(".")) {
            i = start;
            throw error("expected a number");
        }
        endOfNumber();
        if (isFloat) {
            double value = Double.parseDouble(text);
            if (Double.isInfinite(value)) {
                throw error("number out of range");
            }
            return NODES.numberNode(negative ? -value : value);
        }
        BigInteger value = new BigInteger(text);
        return integer(negative ? value.negate() : value);
    }

    private void endOfNumber() throws NotLiteral {
        if (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.')) {
            throw error("bad number");
        }
    }

    private static JsonNode integer(BigInteger value) {
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    /** One or more adjacent string literals, concatenated. */
    private String strings() throws NotLiteral {
        StringBuilder out = new StringBuilder();
        do {
            string(out);
            skipSpace();
        } while (startsString());
        return out.toString();
    }

    private boolean startsString() {
        if (atEnd()) {
            return false;
        }
        char c = peek();
        if (c == '"' || c == '\'') {
            return true;
        }
        int j = i;
        while (j < s.length() && j - i < 2 && Character.isLetter(s.charAt(j))) {
            j++;
        }
        return j > i && j < s.length() && (s.charAt(j) == '"' || s.charAt(j) == '\'')
                && STRING_PREFIXES.contains(s.substring(i, j).toLowerCase(Locale.ROOT));
    }

    private void string(StringBuilder out) throws NotLiteral {
        boolean raw = false;
        while (Character.isLetter(peek())) {
            char prefix = Character.toLowerCase(peek());
            if (prefix == 'f') {
                throw error("f-strings are not literals");
            }
            raw |= prefix == 'r';
            i++;
        }
        char quote = peek();
        boolean triple = s.startsWith(String.valueOf(quote).repeat(3), i);
        i += triple ? 3 : 1;
        while (true) {
            if (atEnd()) {
                throw error("unclosed string");
            }
            char c = s.charAt(i);
            if (c == quote && (!triple || s.startsWith(String.valueOf(quote).repeat(3), i))) {
                i += triple ? 3 : 1;
                return;
            }
            if (c == '\\' && i + 1 < s.length()) {
                if (raw) {
                    out.append(c).append(s.charAt(i + 1));
                    i += 2;
                } else {
                    escape(out);
                }
                continue;
            }
            // a raw line break in a one-line string is a syntax error in Python; models mean a line break
            out.append(c);
            i++;
        }
    }

    private void escape(StringBuilder out) throws NotLiteral {
        char e = s.charAt(i + 1);
        i += 2;
        switch (e) {
            case '\n' -> {
            }
            case '\r' -> {
                if (peek() == '\n') {
                    i++;
                }
            }
            case '\\', '\'', '"' -> out.append(e);
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000B');
            case 'x' -> out.appendCodePoint(hex(2));
            case 'u' -> out.appendCodePoint(hex(4));
            case 'U' -> out.appendCodePoint(hex(8));
            case 'N' -> {
                int close = s.indexOf('}', i);
                if (peek() != '{' || close < 0) {
                    throw error("bad \\N escape");
                }
                try {
                    out.appendCodePoint(Character.codePointOf(s.substring(i + 1, close)));
                } catch (IllegalArgumentException unknown) {
                    throw error("unknown character name in \\N escape");
                }
                i = close + 1;
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    int value = e - '0';
                    for (int k = 0; k < 2 && !atEnd() && peek() >= '0' && peek() <= '7'; k++) {
                        value = value * 8 + (peek() - '0');
                        i++;
                    }
                    out.append((char) value);
                } else {
                    out.append('\\').append(e); // Python keeps unknown escapes as written
                }
            }
        }
    }

    private int hex(int length) throws NotLiteral {
        if (i + length > s.length()) {
            throw error("short escape");
        }
        try {
            int value = Integer.parseUnsignedInt(s.substring(i, i + length), 16);
            if (!Character.isValidCodePoint(value)) {
                throw error("bad escape");
            }
            i += length;
            return value;
        } catch (NumberFormatException bad) {
            throw error("bad escape");
        }
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '\n' || s.charAt(i + 1) == '\r')) {
                i += 2;
            } else {
                return;
            }
        }
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
