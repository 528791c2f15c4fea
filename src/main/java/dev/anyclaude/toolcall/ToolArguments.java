package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Turns the {@code function.arguments} text of an OpenAI tool call into the JSON object text an
 * Anthropic {@code tool_use} input must be. Models and servers get this wrong in several ways: empty
 * arguments, double-encoded JSON, bare values, markdown fences, trailing commas, output cut short.
 * Pure and stateless.
 */
public final class ToolArguments {

    /** Some servers encode twice, a few three times; more than that is not arguments any more. */
    private static final int MAX_ENCODING_DEPTH = 3;

    /**
     * The normalised arguments. {@code repaired} says the text was not valid JSON and had to be
     * fixed up (fences, trailing commas, or unclosed strings and brackets), i.e. it may be incomplete.
     */
    public record Result(String json, boolean repaired) {
    }

    private record Parsed(JsonNode node, boolean repaired) {
    }

    private ToolArguments() {
    }

    /** The arguments as a compact JSON object text, or empty when nothing usable can be made of them. */
    public static Optional<String> normalise(String raw) {
        return decode(raw).map(Result::json);
    }

    /** Like {@link #normalise}, also telling whether a repair was needed. */
    public static Optional<Result> decode(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.of(new Result("{}", false));
        }
        Parsed parsed = decodeLenient(raw);
        return parsed == null ? Optional.empty()
                : Optional.of(new Result(Json.string(asObject(parsed.node())), parsed.repaired()));
    }

    /**
     * The arguments as a tree, decoded out of up to {@value #MAX_ENCODING_DEPTH} layers of JSON string
     * encoding and repaired like {@link #decode}, but not wrapped: the caller sees a bare value or a string
     * that held no JSON as it is. Null when the text is no JSON even after repair.
     */
    static JsonNode decodeTree(String raw) {
        Parsed parsed = raw == null ? null : decodeLenient(raw);
        return parsed == null ? null : parsed.node();
    }

    /**
     * One JSON value: as written, else repaired when the repair makes an object or array of it. Null when
     * neither works. For values inside other formats (an XML parameter holding JSON).
     */
    static JsonNode parseValue(String text) {
        JsonNode node = tryParse(text);
        if (node != null) {
            return node;
        }
        node = tryParse(repair(text));
        return node != null && node.isContainer() ? node : null;
    }

    private static Parsed decodeLenient(String raw) {
        Parsed parsed = parseLenient(raw);
        if (parsed == null) {
            return null;
        }
        JsonNode node = parsed.node();
        boolean repaired = parsed.repaired();
        // Double-encoded: a JSON string whose content is the object.
        for (int depth = 0; node.isString() && depth < MAX_ENCODING_DEPTH; depth++) {
            String inner = node.stringValue().strip();
            if (!inner.startsWith("{") && !inner.startsWith("\"") && !inner.startsWith("```")) {
                break;
            }
            Parsed again = parseLenient(inner);
            if (again == null) {
                break;
            }
            node = again.node();
            repaired |= again.repaired();
        }
        return new Parsed(node, repaired);
    }

    private static JsonNode asObject(JsonNode node) {
        if (node.isObject()) {
            return node;
        }
        if (node.isNull() || (node.isString() && node.stringValue().isBlank())) {
            return Json.object();
        }
        // A bare value would be rejected by every tool schema anyway; wrapping keeps it visible.
        ObjectNode wrapped = Json.object();
        wrapped.set("value", node);
        return wrapped;
    }

    /** Parses as is, else after repair; a repaired text counts only if it became an object. */
    private static Parsed parseLenient(String text) {
        JsonNode node = tryParse(text);
        if (node != null) {
            return new Parsed(node, false);
        }
        String fixed = repair(text);
        node = tryParse(fixed);
        return node != null && node.isObject() ? new Parsed(node, true) : null;
    }

    private static JsonNode tryParse(String text) {
        try {
            JsonNode node = Json.parse(text);
            return node.isMissingNode() ? null : node;
        } catch (JacksonException notJson) {
            return null;
        }
    }

    /**
     * Best-effort fix of almost-JSON: strips markdown code fences and trailing commas, escapes raw
     * control characters inside strings, closes an unclosed string and unclosed brackets at the end,
     * drops a closing bracket that closes nothing ({@code [{"a":1}]}} — small models add one), and closes
     * inner brackets a mismatched closer skips ({@code {"a":[1}} is {@code {"a":[1]}}). Never invents keys
     * or values. Package-private for tests.
     */
    static String repair(String text) {
        String body = stripFences(text.strip());
        StringBuilder out = new StringBuilder(body.length() + 8);
        Deque<Character> closers = new ArrayDeque<>();
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                    out.append(c);
                } else if (c == '\\') {
                    escaped = true;
                    out.append(c);
                } else if (c == '"') {
                    inString = false;
                    out.append(c);
                } else if (c < 0x20) {
                    out.append(escapeControl(c));
                } else {
                    out.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{' -> closers.push('}');
                case '[' -> closers.push(']');
                case '}', ']' -> {
                    dropTrailingComma(out);
                    if (!closers.contains(c)) {
                        continue; // closes nothing that is open: a stray closer
                    }
                    while (closers.peek() != c) {
                        dropTrailingComma(out);
                        out.append(closers.pop());
                    }
                    closers.pop();
                }
                default -> {
                }
            }
            out.append(c);
        }
        if (inString) {
            if (escaped) {
                out.setLength(out.length() - 1);
            }
            out.append('"');
        }
        dropTrailingComma(out);
        while (!closers.isEmpty()) {
            out.append(closers.pop());
        }
        return out.toString();
    }

    static String stripFences(String text) {
        String body = text;
        if (body.startsWith("```")) {
            int newline = body.indexOf('\n');
            // "```json{...}" on one line: drop the fence and the language tag up to the JSON.
            int start = newline >= 0 ? newline + 1 : firstBracket(body);
            body = start < 0 ? "" : body.substring(start);
        }
        body = body.strip();
        if (body.endsWith("```")) {
            body = body.substring(0, body.length() - 3).strip();
        }
        return body;
    }

    private static int firstBracket(String text) {
        int brace = text.indexOf('{');
        int bracket = text.indexOf('[');
        if (brace < 0) {
            return bracket;
        }
        return bracket < 0 ? brace : Math.min(brace, bracket);
    }

    private static void dropTrailingComma(StringBuilder out) {
        int end = out.length();
        while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
            end--;
        }
        if (end > 0 && out.charAt(end - 1) == ',') {
            out.setLength(end - 1);
        } else {
            out.setLength(end);
        }
    }

    private static String escapeControl(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04x", (int) c);
        };
    }
}
