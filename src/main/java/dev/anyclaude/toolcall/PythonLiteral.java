package dev.anyclaude.toolcall;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A small, safe reader of Python literals (what {@code ast.literal_eval} accepts, minus sets, bytes and
 * complex numbers) into JSON trees. Models trained on Python write {@code {'path': 'a', 'force': True}},
 * pythonic calls pass {@code city='SF'}, and Jinja's {@code | string} renders {@code None} and {@code True}.
 *
 * <p>Accepted: strings in single, double or triple quotes with Python escapes (prefixes {@code r} or {@code u};
 * adjacent strings are concatenated), integers (decimal with {@code _}, {@code 0x}, {@code 0o}, {@code 0b}),
 * floats ({@code 1e3}, {@code .5}), a leading sign, {@code True/False/None} and the JSON names
 * {@code true/false/null}, lists and tuples (both become arrays), dicts whose keys are strings, numbers,
 * booleans or None (keys become strings as {@code json.dumps} writes them), trailing commas. Anything else —
 * names, calls, arithmetic, comprehensions — is not a literal and gives nothing. Unlike Python, a raw line
 * break inside a single-quoted string is kept rather than rejected (models write code that way).
 *
 * <p>The pythonic call readers ({@link PythonLiterals}) read argument values with this same reader in its
 * call dialect, which also takes what they always took: sets (as arrays, JSON has no sets), the byte-string
 * prefixes {@code b}, {@code br}, {@code rb} (as strings) and {@code \N{NAME}} escapes.
 */
public final class PythonLiteral {

    /** Deeper nesting than this is not arguments; refusing it keeps the reader off the stack limit. */
    private static final int MAX_DEPTH = 200;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A literal read from the middle of a text: its value and the index just after it. */
    public record Prefix(JsonNode value, int end) {
    }

    private static final Set<String> CALL_STRING_PREFIXES = Set.of("r", "u", "b", "br", "rb");

    private final String text;
    private final boolean callDialect;
    private int pos;

    private PythonLiteral(String text, int pos, boolean callDialect) {
        this.text = text;
        this.pos = pos;
        this.callDialect = callDialect;
    }

    /** The whole text (surrounding whitespace aside) as one literal, or empty when it is not one. */
    public static Optional<JsonNode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return parseAt(text, 0)
                .filter(prefix -> text.substring(prefix.end()).isBlank())
                .map(Prefix::value);
    }

    /**
     * One literal starting at {@code start} (after any whitespace), for readers of pythonic calls that
     * continue after it; empty when no literal starts there.
     */
    public static Optional<Prefix> parseAt(String text, int start) {
        if (text == null || start < 0 || start > text.length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(text, start, false));
        } catch (NotALiteral notALiteral) {
            return Optional.empty();
        }
    }

    /**
     * One literal at {@code start} (after any whitespace) in the call dialect: what {@link #parseAt} reads,
     * and sets, byte strings and {@code \N{NAME}} escapes.
     *
     * @throws NotALiteral when no literal starts there, with where the reading stopped
     */
    static Prefix readCallValue(String text, int start) {
        return read(text, start, true);
    }

    private static Prefix read(String text, int start, boolean callDialect) {
        PythonLiteral reader = new PythonLiteral(text, start, callDialect);
        JsonNode value = reader.value(0);
        return new Prefix(value, reader.pos);
    }

    /** The index after the whitespace (and explicit line continuations) at {@code from}. */
    static int skipSpace(String text, int from) {
        PythonLiteral reader = new PythonLiteral(text, from, false);
        reader.skipSpace();
        return reader.pos;
    }

    private JsonNode value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new NotALiteral("nested too deep", pos);
        }
        skipSpace();
        if (pos >= text.length()) {
            throw new NotALiteral("expected a value", pos);
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> dict(depth);
            case '[' -> sequence(']', depth);
            case '(' -> sequence(')', depth);
            case '-', '+' -> signed();
            default -> {
                if (c == '.' || isDigit(c)) {
                    yield number(false);
                }
                if (startsString()) {
                    yield NODES.stringNode(strings());
                }
                yield name();
            }
        };
    }

    /** A dict, or in the call dialect a set {@code {a, b}} (as an array). */
    private JsonNode dict(int depth) {
        pos++;
        ObjectNode object = NODES.objectNode();
        while (true) {
            skipSpace();
            if (consume('}')) {
                return object;
            }
            JsonNode first = value(depth + 1);
            skipSpace();
            if (callDialect && object.isEmpty() && pos < text.length() && text.charAt(pos) != ':') {
                return set(first, depth);
            }
            String key = key(first);
            expect(':');
            object.set(key, value(depth + 1));
            skipSpace();
            if (!consume(',')) {
                skipSpace();
                expect('}');
                return object;
            }
        }
    }

    /** The rest of a set whose first element has been read. */
    private ArrayNode set(JsonNode first, int depth) {
        ArrayNode array = NODES.arrayNode().add(first);
        while (consume(',')) {
            skipSpace();
            if (consume('}')) {
                return array;
            }
            array.add(value(depth + 1));
            skipSpace();
        }
        expect('}');
        return array;
    }

    private String key(JsonNode key) {
        if (key.isString()) {
            return key.stringValue();
        }
        if (key.isNumber() || key.isBoolean() || key.isNull()) {
            return key.toString();
        }
        throw new NotALiteral("a dict key must be a string, number or constant", pos);
    }

    /** A list or tuple; {@code (x)} without a comma is just x in parentheses. */
    private JsonNode sequence(char close, int depth) {
        pos++;
        ArrayNode array = NODES.arrayNode();
        boolean sawComma = false;
        while (true) {
            skipSpace();
            if (consume(close)) {
                break;
            }
            array.add(value(depth + 1));
            skipSpace();
            if (consume(',')) {
                sawComma = true;
                continue;
            }
            expect(close);
            break;
        }
        return close == ')' && array.size() == 1 && !sawComma ? array.get(0) : array;
    }

    private JsonNode signed() {
        boolean negative = text.charAt(pos) == '-';
        pos++;
        skipSpace();
        if (pos >= text.length() || !(isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            throw new NotALiteral("a sign without a number", pos);
        }
        return number(negative);
    }

    private JsonNode number(boolean negative) {
        int start = pos;
        if (text.startsWith("0x", pos) || text.startsWith("0X", pos)) {
            return radix(16, negative);
        }
        if (text.startsWith("0o", pos) || text.startsWith("0O", pos)) {
            return radix(8, negative);
        }
        if (text.startsWith("0b", pos) || text.startsWith("0B", pos)) {
            return radix(2, negative);
        }
        boolean isFloat = false;
        digits();
        if (pos < text.length() && text.charAt(pos) == '.') {
            isFloat = true;
            pos++;
            digits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            isFloat = true;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (!digits()) {
                throw new NotALiteral("bad number", pos);
            }
        }
        if (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            throw new NotALiteral("bad number", pos); // 1j, 12abc, 1_ ...
        }
        String literal = text.substring(start, pos).replace("_", "");
        if (literal.equals(".") || literal.startsWith(".e") || literal.startsWith(".E")) {
            throw new NotALiteral("bad number", pos);
        }
        if (!isFloat) {
            // Python 3 rejects "007": a leading zero is only allowed for zero itself.
            if (literal.length() > 1 && literal.charAt(0) == '0' && !literal.chars().allMatch(ch -> ch == '0')) {
                throw new NotALiteral("bad number", pos);
            }
            BigInteger value = new BigInteger(literal);
            return integer(negative ? value.negate() : value);
        }
        double value = new BigDecimal(literal).doubleValue();
        if (Double.isInfinite(value)) {
            throw new NotALiteral("number out of range", pos);
        }
        return NODES.numberNode(negative ? -value : value);
    }

    private JsonNode radix(int radix, boolean negative) {
        pos += 2;
        int start = pos;
        while (pos < text.length() && (Character.digit(text.charAt(pos), radix) >= 0 || text.charAt(pos) == '_')) {
            pos++;
        }
        String digits = text.substring(start, pos).replace("_", "");
        if (digits.isEmpty() || pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            throw new NotALiteral("bad number", pos);
        }
        BigInteger value = new BigInteger(digits, radix);
        return integer(negative ? value.negate() : value);
    }

    static JsonNode integer(BigInteger value) {
        return value.bitLength() < 64 ? NODES.numberNode(value.longValueExact()) : NODES.numberNode(value);
    }

    /** Digits with single underscores between them; whether there was at least one digit. */
    private boolean digits() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (isDigit(c)) {
                pos++;
            } else if (c == '_' && pos > start && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
                pos++;
            } else {
                break;
            }
        }
        return pos > start;
    }

    private JsonNode name() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return switch (text.substring(start, pos)) {
            case "True", "true" -> NODES.booleanNode(true);
            case "False", "false" -> NODES.booleanNode(false);
            case "None", "null" -> NODES.nullNode();
            default -> throw new NotALiteral(pos == start ? "unexpected '" + text.charAt(pos) + "'"
                    : "'" + text.substring(start, pos) + "' is a name, not a literal", start);
        };
    }

    private boolean startsString() {
        int quote = pos + prefixLength();
        return quote < text.length() && (text.charAt(quote) == '\'' || text.charAt(quote) == '"');
    }

    /** The length of the string prefix at {@code pos} ({@code r}, {@code u}; in the call dialect also byte strings). */
    private int prefixLength() {
        if (callDialect) {
            for (int length = 2; length >= 1; length--) {
                if (pos + length < text.length() && CALL_STRING_PREFIXES.contains(
                        text.substring(pos, pos + length).toLowerCase(Locale.ROOT))) {
                    return length;
                }
            }
            return 0;
        }
        return pos < text.length() && "rRuU".indexOf(text.charAt(pos)) >= 0 ? 1 : 0;
    }

    /** One string literal, or several written next to each other ({@code 'a' "b"} is {@code "ab"}). */
    private String strings() {
        StringBuilder out = new StringBuilder();
        while (true) {
            string(out);
            int end = pos;
            skipSpace();
            if (pos >= text.length() || !startsString()) {
                pos = end;
                return out.toString();
            }
        }
    }

    private void string(StringBuilder out) {
        int prefix = prefixLength();
        boolean raw = text.substring(pos, pos + prefix).toLowerCase(Locale.ROOT).contains("r");
        pos += prefix;
        char quote = text.charAt(pos);
        String triple = String.valueOf(quote).repeat(3);
        boolean isTriple = text.startsWith(triple, pos);
        pos += isTriple ? 3 : 1;
        while (true) {
            if (pos >= text.length()) {
                throw new NotALiteral("unclosed string", pos);
            }
            char c = text.charAt(pos);
            if (c == quote && (!isTriple || text.startsWith(triple, pos))) {
                pos += isTriple ? 3 : 1;
                return;
            }
            if (c == '\\') {
                if (pos + 1 >= text.length()) {
                    throw new NotALiteral("unclosed string", pos);
                }
                if (raw) {
                    // A raw string keeps the backslash, which still stops the next character ending the string.
                    out.append(c).append(text.charAt(pos + 1));
                    pos += 2;
                } else {
                    escape(out);
                }
                continue;
            }
            out.append(c);
            pos++;
        }
    }

    private void escape(StringBuilder out) {
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '\n' -> {
            }
            case '\r' -> {
                if (pos < text.length() && text.charAt(pos) == '\n') {
                    pos++;
                }
            }
            case '\\', '\'', '"' -> out.append(e);
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'v' -> out.append('\u000b');
            case 'x' -> out.appendCodePoint(hex(2));
            case 'u' -> out.appendCodePoint(hex(4));
            case 'U' -> out.appendCodePoint(hex(8));
            case 'N' -> {
                if (!callDialect) {
                    out.append('\\').append(e);
                    return;
                }
                int close = text.indexOf('}', pos);
                if (pos >= text.length() || text.charAt(pos) != '{' || close < 0) {
                    throw new NotALiteral("bad \\N escape", pos);
                }
                try {
                    out.appendCodePoint(Character.codePointOf(text.substring(pos + 1, close)));
                } catch (IllegalArgumentException unknown) {
                    throw new NotALiteral("unknown character name in \\N escape", pos);
                }
                pos = close + 1;
            }
            default -> {
                if (isOctal(e)) {
                    int value = e - '0';
                    for (int i = 0; i < 2 && pos < text.length() && isOctal(text.charAt(pos)); i++) {
                        value = value * 8 + text.charAt(pos++) - '0';
                    }
                    out.append((char) value);
                } else {
                    // Python keeps unknown escapes ("\d" in a regex) as written.
                    out.append('\\').append(e);
                }
            }
        }
    }

    private int hex(int length) {
        if (pos + length > text.length()) {
            throw new NotALiteral("short escape", pos);
        }
        int value = 0;
        for (int i = 0; i < length; i++) {
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
                throw new NotALiteral("bad escape", pos);
            }
            value = value * 16 + digit;
        }
        if (!Character.isValidCodePoint(value)) {
            throw new NotALiteral("bad escape", pos);
        }
        pos += length;
        return value;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                pos += 2; // explicit line continuation
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return;
            }
        }
    }

    private boolean consume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!consume(c)) {
            throw new NotALiteral("expected '" + c + "'", pos);
        }
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Control flow for "not a literal"; no stack trace, it is expected. The message says where reading stopped. */
    static final class NotALiteral extends RuntimeException {
        NotALiteral(String what, int at) {
            super(what + " at " + at, null, false, false);
        }
    }
}
