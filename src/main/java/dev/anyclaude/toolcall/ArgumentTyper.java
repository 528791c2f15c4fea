package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import dev.anyclaude.toolcall.ToolSchema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a call's {@link Arguments} into the JSON object a {@code tool_use} input must be, typed by the
 * tool's JSON schema (reference §5.8): XML formats write every value as text, so {@code "5"} becomes 5
 * where the schema says integer, while a string stays a string even when it looks like a number, a
 * boolean or {@code null}. Claude Code validates inputs and rejects wrong types, which makes small models
 * retry in a loop, so JSON-native arguments are repaired by the schema too.
 *
 * <p>Choices where the reference leaves one:
 * <ul>
 * <li>Values are taken as the format parser hands them over: a parser whose template frames values
 *     with newlines ({@code <parameter=x>\nvalue\n</parameter>}) drops exactly those, since only it knows
 *     the template (GLM and MiniMax values have no such framing and may end in a newline of their own).</li>
 * <li>A boolean is {@code true}/{@code false} in any case; {@code 1/0} and {@code yes/no} only when the
 *     schema allows no string (and, as the integer is tried first, no integer).</li>
 * <li>An integer accepts an integral decimal ({@code 3.0}, {@code 1e3}), never {@code 1.5}; a number that
 *     is integral is written as an integer. Failing both, the value is kept as written (the client reports
 *     the type error to the model).</li>
 * <li>A string that matches a string {@code enum} value only when case is ignored becomes that value.</li>
 * <li>A {@code STRING} value stays a string, except where the schema allows no string at all: there it is
 *     converted like an untyped value, since a string can only be rejected.</li>
 * <li>Where only a string is allowed, a number or boolean becomes its JSON text and an object or array its
 *     compact JSON text (a model writing a {@code .json} file passes the content as an object).</li>
 * <li>{@code null} for a property whose schema does not allow null and that is not required is dropped:
 *     absent means the default, which is what the model asked for.</li>
 * <li>A property without type information, and a parameter the schema does not name, is read leniently:
 *     JSON (not a JSON string) or a Python container/{@code True}/{@code None} when it parses, else the text.</li>
 * <li>Duplicate parameter names: the last value wins, at the first one's position (Python dict semantics).</li>
 * <li>A lone {@code arguments} or {@code input} wrapper the schema does not declare is unwrapped (vLLM does
 *     this for DeepSeek V3.2).</li>
 * </ul>
 */
public final class ArgumentTyper {
    private static final Logger LOG = LoggerFactory.getLogger(ArgumentTyper.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Layers of JSON string encoding undone; more is not arguments any more. */
    private static final int MAX_DECODE = 3;
    /** Nesting of values coerced by their schema; deeper values are left as they are. */
    private static final int MAX_DEPTH = 64;
    /** Decimal digits an integer may have before the text is no integer worth reading. */
    private static final int MAX_INTEGER_DIGITS = 400;
    private static final List<Type> PRIORITY =
            List.of(Type.INTEGER, Type.NUMBER, Type.BOOLEAN, Type.OBJECT, Type.ARRAY);
    private static final List<String> WRAPPERS = List.of("arguments", "input");

    private ArgumentTyper() {
    }

    /**
     * @param schema the tool's {@code input_schema}, or null when unknown
     * @return the typed input object, or empty when no object can be made of the arguments
     */
    public static Optional<ObjectNode> type(Arguments arguments, JsonNode schema) {
        if (arguments == null) {
            return Optional.empty();
        }
        ToolSchema tool = new ToolSchema(schema);
        try {
            return switch (arguments) {
                case Arguments.JsonText json -> object(json.text())
                        .map(input -> typed(unwrap(input, tool, schema), tool, schema));
                case Arguments.Params params -> Optional.of(typed(unwrap(params(params, tool, schema), tool, schema),
                        tool, schema));
            };
        } catch (RuntimeException bug) {
            LOG.warn("Typing tool arguments by their schema failed; passing them on untyped", bug);
            return untyped(arguments);
        }
    }

    // ---- JSON-native arguments ----

    /** The arguments as an object: JSON (repaired), else a Python literal, each possibly string-encoded. */
    private static Optional<ObjectNode> object(String text) {
        String current = text;
        for (int layer = 0; layer <= MAX_DECODE; layer++) {
            if (current == null || current.isBlank()) {
                return Optional.of(Json.object()); // a call without arguments
            }
            JsonNode node = ToolArguments.decodeTree(current);
            if (node == null) {
                node = PythonLiteral.parse(ToolArguments.stripFences(current.strip())).orElse(null);
            }
            if (node == null) {
                return Optional.empty();
            }
            if (node.isObject()) {
                return Optional.of((ObjectNode) node);
            }
            if (node.isNull()) {
                return Optional.of(Json.object());
            }
            if (!node.isString()) {
                return Optional.empty(); // a bare number or list is no input for any tool
            }
            current = node.stringValue();
        }
        return Optional.empty();
    }

    // ---- named parameters ----

    private static ObjectNode params(Arguments.Params params, ToolSchema tool, JsonNode schema) {
        ObjectNode input = Json.object();
        for (Arguments.Param param : params.values()) {
            if (param.name() != null) {
                JsonNode property = schema == null ? null : tool.property(schema, param.name());
                input.set(param.name(), param(param, property, tool));
            }
        }
        return input;
    }

    private static JsonNode param(Arguments.Param param, JsonNode property, ToolSchema tool) {
        String value = param.value() == null ? "" : param.value();
        Arguments.ValueKind kind = param.kind() == null ? Arguments.ValueKind.UNTYPED : param.kind();
        return switch (kind) {
            // A string the schema rules out is converted later, by typed().
            case STRING -> NODES.stringNode(value);
            case JSON -> {
                Set<Type> types = tool.types(property);
                boolean repair = !types.isEmpty() && !types.contains(Type.STRING);
                JsonNode literal = literal(value.strip(), repair);
                yield literal != null ? literal : NODES.stringNode(value);
            }
            case UNTYPED -> {
                yield property == null ? lenient(value) : fromText(value, property, tool, 0, 0);
            }
        };
    }

    // ---- shared ----

    /** Replaces a lone undeclared {@code arguments}/{@code input} wrapper by the object it holds. */
    private static ObjectNode unwrap(ObjectNode input, ToolSchema tool, JsonNode schema) {
        JsonNode s = tool.resolve(schema);
        if (s == null || !s.path("properties").isObject() || input.size() != 1) {
            return input;
        }
        String key = input.propertyNames().iterator().next();
        if (!WRAPPERS.contains(key) || tool.declares(schema, key)) {
            return input;
        }
        JsonNode inner = input.get(key);
        if (inner.isObject()) {
            return (ObjectNode) inner;
        }
        return inner.isString() ? object(inner.stringValue()).orElse(input) : input;
    }

    private static ObjectNode typed(ObjectNode input, ToolSchema tool, JsonNode schema) {
        if (schema != null) {
            children(input, schema, tool, 0);
        }
        return input;
    }

    /**
     * The value of raw text by its schema (§5.8): null, then integer, number, boolean, object, array as the
     * schema allows them, then the text itself if strings are allowed, else the text read leniently.
     */
    private static JsonNode fromText(String v, JsonNode property, ToolSchema tool, int depth, int layer) {
        Set<Type> types = tool.types(property);
        String t = v.strip();
        boolean stringAllowed = types.contains(Type.STRING);
        if ((t.equalsIgnoreCase("null") || t.equalsIgnoreCase("none"))
                && (types.contains(Type.NULL) || !types.isEmpty() && !stringAllowed)) {
            return NODES.nullNode();
        }
        if (types.isEmpty()) {
            return lenient(v);
        }
        if (types.equals(Set.of(Type.STRING))) {
            return NODES.stringNode(enumValue(v, property, tool)); // never parsed: quotes, digits, "null" stay
        }
        for (Type type : PRIORITY) {
            if (!types.contains(type)) {
                continue;
            }
            JsonNode value = switch (type) {
                case INTEGER -> integer(t);
                case NUMBER -> number(t);
                case BOOLEAN -> bool(t, stringAllowed);
                default -> container(t, type, !stringAllowed);
            };
            if (value != null) {
                return value.isContainer() ? children(value, property, tool, depth) : value;
            }
        }
        if (stringAllowed) {
            return NODES.stringNode(enumValue(v, property, tool));
        }
        String inner = layer < MAX_DECODE ? unquote(t) : null;
        if (inner != null) {
            // A quoted scalar: "5" where an integer is due.
            JsonNode value = fromText(inner, property, tool, depth, layer + 1);
            if (ToolSchema.accepts(types, value)) {
                return value;
            }
        }
        return lenient(v);
    }

    /** A value already parsed, fixed where the schema says it has the wrong type. */
    private static JsonNode coerce(JsonNode value, JsonNode property, ToolSchema tool, int depth) {
        Set<Type> types = tool.types(property);
        if (types.isEmpty() || value.isNull()) {
            return value.isContainer() ? children(value, property, tool, depth) : value;
        }
        if (value.isString()) {
            if (types.contains(Type.STRING)) {
                String matched = enumValue(value.stringValue(), property, tool);
                return matched.equals(value.stringValue()) ? value : NODES.stringNode(matched);
            }
            JsonNode converted = fromText(value.stringValue(), property, tool, depth, 0);
            // null is what "None" means where no string is allowed (§5.8), even where null is not allowed.
            return converted.isNull() || ToolSchema.accepts(types, converted) ? converted : value;
        }
        if (!ToolSchema.accepts(types, value)) {
            return types.contains(Type.STRING) ? NODES.stringNode(value.isContainer() ? Json.string(value)
                    : value.toString()) : value;
        }
        if (value.isNumber() && !value.isIntegralNumber() && types.contains(Type.INTEGER)
                && !types.contains(Type.NUMBER)) {
            return PythonLiteral.integer(value.decimalValue().toBigIntegerExact());
        }
        return value.isContainer() ? children(value, property, tool, depth) : value;
    }

    /** Coerces the properties or items of a container by its schema, in place. */
    private static JsonNode children(JsonNode container, JsonNode schema, ToolSchema tool, int depth) {
        if (depth >= MAX_DEPTH) {
            return container;
        }
        if (container instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode property = tool.property(schema, name);
                if (property == null) {
                    continue; // unknown properties are left as the model wrote them
                }
                JsonNode value = coerce(object.get(name), property, tool, depth + 1);
                if (value.isNull() && droppable(schema, name, property, tool)) {
                    object.remove(name);
                } else {
                    object.set(name, value);
                }
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = tool.item(schema, i);
                if (item != null) {
                    array.set(i, coerce(array.get(i), item, tool, depth + 1));
                }
            }
        }
        return container;
    }

    private static boolean droppable(JsonNode schema, String name, JsonNode property, ToolSchema tool) {
        Set<Type> types = tool.types(property);
        return !types.isEmpty() && !types.contains(Type.NULL) && !tool.requires(schema, name);
    }

    // ---- readers of text ----

    private static JsonNode integer(String t) {
        BigDecimal d = decimal(t);
        if (d == null) {
            return null;
        }
        if (d.signum() == 0) {
            return NODES.numberNode(0L);
        }
        BigDecimal integral = d.stripTrailingZeros();
        if (integral.scale() > 0 || integral.precision() - integral.scale() > MAX_INTEGER_DIGITS) {
            return null;
        }
        return PythonLiteral.integer(integral.toBigIntegerExact());
    }

    private static JsonNode number(String t) {
        JsonNode integral = integer(t);
        if (integral != null) {
            return integral;
        }
        BigDecimal d = decimal(t);
        if (d == null) {
            return null;
        }
        double value = d.doubleValue();
        return Double.isFinite(value) ? NODES.numberNode(value) : null;
    }

    /** A plain decimal ({@code -14}, {@code 3.0}, {@code 1e3}); no hex, separators, NaN or infinities. */
    private static BigDecimal decimal(String t) {
        if (t.isEmpty() || t.chars().anyMatch(c -> "0123456789+-.eE".indexOf(c) < 0)) {
            return null;
        }
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException | ArithmeticException notANumber) {
            return null;
        }
    }

    private static JsonNode bool(String t, boolean stringAllowed) {
        String lower = t.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "true" -> NODES.booleanNode(true);
            case "false" -> NODES.booleanNode(false);
            case "1", "yes" -> stringAllowed ? null : NODES.booleanNode(true);
            case "0", "no" -> stringAllowed ? null : NODES.booleanNode(false);
            default -> null;
        };
    }

    /** An object or array: JSON, a Python literal, or repaired JSON, undoing string encoding; else null. */
    private static JsonNode container(String t, Type type, boolean repair) {
        String current = t;
        for (int layer = 0; layer <= MAX_DECODE; layer++) {
            JsonNode node = literal(current, repair);
            if (node == null) {
                return null;
            }
            if (!node.isString()) {
                return ToolSchema.of(node) == type ? node : null;
            }
            current = node.stringValue().strip();
        }
        return null;
    }

    /** One JSON value, else one Python literal, else (when allowed) repaired JSON; null when none. */
    private static JsonNode literal(String t, boolean repair) {
        JsonNode node = json(t);
        if (node == null) {
            node = PythonLiteral.parse(t).orElse(null);
        }
        if (node == null && repair) {
            node = ToolArguments.parseValue(t);
        }
        return node;
    }

    /**
     * Lenient reading for values without a type: JSON when it parses to something other than a string, a
     * Python container, boolean or None, else the text as it is.
     */
    private static JsonNode lenient(String v) {
        String t = v.strip();
        JsonNode node = json(t);
        if (node != null && !node.isString()) {
            return node;
        }
        node = PythonLiteral.parse(t).orElse(null);
        if (node != null && (node.isContainer() || node.isBoolean() || node.isNull())) {
            return node;
        }
        return NODES.stringNode(v);
    }

    /** The content of a JSON or Python string literal, or null when the text is not one. */
    private static String unquote(String t) {
        if (t.length() < 2 || !(t.startsWith("\"") || t.startsWith("'"))) {
            return null;
        }
        JsonNode node = json(t);
        if (node == null) {
            node = PythonLiteral.parse(t).orElse(null);
        }
        return node != null && node.isString() ? node.stringValue() : null;
    }

    private static JsonNode json(String t) {
        if (t.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = Json.parse(t);
            return node.isMissingNode() || !finite(node) ? null : node;
        } catch (JacksonException notJson) {
            return null;
        }
    }

    /** JSON has no infinities; {@code 1e999} parses to one, which is no number a tool can take. */
    private static boolean finite(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return Double.isFinite(node.doubleValue());
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                if (!finite(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The string enum value the text matches ignoring case and surrounding blanks, when exactly one does. */
    private static String enumValue(String v, JsonNode property, ToolSchema tool) {
        List<String> values = tool.enumStrings(property);
        if (values.isEmpty() || values.contains(v)) {
            return v;
        }
        String t = v.strip();
        List<String> matches = values.stream().filter(value -> value.equalsIgnoreCase(t)).distinct().toList();
        return matches.size() == 1 ? matches.get(0) : v;
    }

    private static Optional<ObjectNode> untyped(Arguments arguments) {
        return switch (arguments) {
            case Arguments.JsonText json -> {
                JsonNode node = ToolArguments.decodeTree(json.text() == null ? "" : json.text());
                yield node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
            }
            case Arguments.Params params -> {
                ObjectNode input = Json.object();
                params.values().stream().filter(p -> p.name() != null)
                        .forEach(p -> input.put(p.name(), p.value() == null ? "" : p.value()));
                yield Optional.of(input);
            }
        };
    }
}
