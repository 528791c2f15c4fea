package dev.anyclaude.toolcall;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Read-only lookups in a tool's {@code input_schema} for typing arguments: local {@code $ref}s
 * ({@code #/$defs/...}, {@code #/definitions/...}), the JSON types a (sub)schema allows, and the schema of an
 * object's property or an array's item through {@code allOf/anyOf/oneOf}. Lenient by design: whatever it
 * does not understand allows anything rather than failing.
 */
final class ToolSchema {

    /** JSON types; {@link #INTEGER} values are numbers too. */
    enum Type { NULL, BOOLEAN, INTEGER, NUMBER, STRING, ARRAY, OBJECT }

    /** Reference chains and combinator nesting deeper than this are treated as unknown (and cycles end). */
    private static final int MAX_DEPTH = 32;

    private final JsonNode root;

    ToolSchema(JsonNode root) {
        this.root = root;
    }

    /** The schema with its {@code $ref} followed, or null when there is no usable schema object. */
    JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; current != null && current.isObject() && hops < MAX_DEPTH; hops++) {
            JsonNode ref = current.get("$ref");
            if (ref == null || !ref.isString()) {
                return current;
            }
            current = target(ref.stringValue());
        }
        return null;
    }

    private JsonNode target(String ref) {
        if (root == null || !ref.startsWith("#")) {
            return null; // remote references are not followed
        }
        if (ref.equals("#")) {
            return root;
        }
        try {
            JsonNode node = root.at(ref.substring(1));
            return node.isMissingNode() ? null : node;
        } catch (RuntimeException malformedPointer) {
            return null;
        }
    }

    /** The types the schema allows; empty means no constraint is known (anything goes). */
    Set<Type> types(JsonNode schema) {
        return types(schema, 0);
    }

    private Set<Type> types(JsonNode schema, int depth) {
        JsonNode s = resolve(schema);
        if (s == null || depth > MAX_DEPTH) {
            return EnumSet.noneOf(Type.class);
        }
        Set<Type> own = declared(s);
        Set<Type> union = EnumSet.noneOf(Type.class);
        boolean hasUnion = false;
        boolean unionOpen = false;
        for (String keyword : List.of("anyOf", "oneOf")) {
            for (JsonNode branch : s.path(keyword)) {
                hasUnion = true;
                Set<Type> types = types(branch, depth + 1);
                unionOpen |= types.isEmpty();
                union.addAll(types);
            }
        }
        Set<Type> result = own;
        if (hasUnion && !unionOpen) {
            result = own.isEmpty() ? union : intersect(own, union);
        }
        for (JsonNode branch : s.path("allOf")) {
            Set<Type> types = types(branch, depth + 1);
            if (!types.isEmpty()) {
                result = result.isEmpty() ? types : intersect(result, types);
            }
        }
        if (!result.isEmpty() && s.path("nullable").asBoolean(false)) {
            result.add(Type.NULL); // OpenAPI style
        }
        return result;
    }

    private static Set<Type> declared(JsonNode s) {
        Set<Type> types = EnumSet.noneOf(Type.class);
        JsonNode type = s.get("type");
        if (type != null && type.isString()) {
            addAlias(types, type.stringValue());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> {
                if (t.isString()) {
                    addAlias(types, t.stringValue());
                }
            });
        }
        if (types.isEmpty()) {
            s.path("enum").forEach(value -> types.add(of(value)));
            if (s.has("const")) {
                types.add(of(s.get("const")));
            }
        }
        if (types.isEmpty()) {
            if (s.has("properties") || s.path("additionalProperties").isObject()) {
                types.add(Type.OBJECT);
            } else if (s.has("items") || s.has("prefixItems")) {
                types.add(Type.ARRAY);
            }
        }
        return types;
    }

    /** Type names as JSON Schema writes them, and the aliases vLLM accepts from hand-written schemas. */
    private static void addAlias(Set<Type> types, String name) {
        String t = name.strip().toLowerCase(Locale.ROOT);
        Type type = switch (t) {
            case "string", "str", "text", "varchar", "char", "enum" -> Type.STRING;
            case "integer", "int", "long", "short", "unsigned" -> Type.INTEGER;
            case "number", "float", "double", "num" -> Type.NUMBER;
            case "boolean", "bool", "binary" -> Type.BOOLEAN;
            case "object", "dict", "map" -> Type.OBJECT;
            case "array", "arr", "list", "sequence", "tuple" -> Type.ARRAY;
            case "null", "none" -> Type.NULL;
            default -> {
                if (t.startsWith("int") || t.startsWith("uint")) {
                    yield Type.INTEGER;
                }
                if (t.startsWith("float") || t.startsWith("num")) {
                    yield Type.NUMBER;
                }
                yield null;
            }
        };
        if (type != null) {
            types.add(type);
        }
    }

    /** The type of a value; integral numbers are integers. */
    static Type of(JsonNode value) {
        if (value.isNull()) {
            return Type.NULL;
        }
        if (value.isBoolean()) {
            return Type.BOOLEAN;
        }
        if (value.isNumber()) {
            return isIntegral(value) ? Type.INTEGER : Type.NUMBER;
        }
        if (value.isArray()) {
            return Type.ARRAY;
        }
        if (value.isObject()) {
            return Type.OBJECT;
        }
        return Type.STRING;
    }

    static boolean isIntegral(JsonNode number) {
        if (number.isIntegralNumber()) {
            return true;
        }
        double value = number.asDouble();
        return Double.isFinite(value) && value == Math.rint(value);
    }

    /** Whether a value has one of the types; an integer is also a number. Empty types accept anything. */
    static boolean accepts(Set<Type> types, JsonNode value) {
        if (types.isEmpty()) {
            return true;
        }
        Type type = of(value);
        return types.contains(type) || type == Type.INTEGER && types.contains(Type.NUMBER)
                || type == Type.NUMBER && types.contains(Type.INTEGER) && isIntegral(value);
    }

    private static Set<Type> intersect(Set<Type> a, Set<Type> b) {
        Set<Type> both = EnumSet.copyOf(a);
        both.retainAll(b);
        boolean integerInNumber = a.contains(Type.NUMBER) && b.contains(Type.INTEGER)
                || b.contains(Type.NUMBER) && a.contains(Type.INTEGER);
        if (integerInNumber) {
            both.add(Type.INTEGER);
        }
        if (both.isEmpty()) {
            // A contradictory schema: no value can satisfy it, so constrain nothing rather than everything.
            both = EnumSet.copyOf(a);
            both.addAll(b);
        }
        return both;
    }

    /**
     * The schema of an object's property: {@code properties}, then the branches of {@code allOf/anyOf/oneOf},
     * then an {@code additionalProperties} schema. Null when the schema says nothing about the name.
     */
    JsonNode property(JsonNode schema, String name) {
        JsonNode declared = declaredProperty(schema, name, 0);
        if (declared != null) {
            return declared;
        }
        JsonNode s = resolve(schema);
        JsonNode additional = s == null ? null : s.get("additionalProperties");
        return additional != null && additional.isObject() ? additional : null;
    }

    /** Whether the schema names the property (not counting {@code additionalProperties}). */
    boolean declares(JsonNode schema, String name) {
        return declaredProperty(schema, name, 0) != null;
    }

    private JsonNode declaredProperty(JsonNode schema, String name, int depth) {
        JsonNode s = resolve(schema);
        if (s == null || depth > MAX_DEPTH) {
            return null;
        }
        JsonNode direct = s.path("properties").get(name);
        if (direct != null) {
            return direct;
        }
        for (JsonNode branch : branches(s)) {
            JsonNode found = declaredProperty(branch, name, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Whether the property is required (directly or by an {@code allOf} branch). */
    boolean requires(JsonNode schema, String name) {
        return requires(schema, name, 0);
    }

    private boolean requires(JsonNode schema, String name, int depth) {
        JsonNode s = resolve(schema);
        if (s == null || depth > MAX_DEPTH) {
            return false;
        }
        for (JsonNode required : s.path("required")) {
            if (required.isString() && required.stringValue().equals(name)) {
                return true;
            }
        }
        for (JsonNode branch : s.path("allOf")) {
            if (requires(branch, name, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The schema of the array item at {@code index}: {@code prefixItems}, tuple {@code items}, or {@code items}. */
    JsonNode item(JsonNode schema, int index) {
        return item(schema, index, 0);
    }

    private JsonNode item(JsonNode schema, int index, int depth) {
        JsonNode s = resolve(schema);
        if (s == null || depth > MAX_DEPTH) {
            return null;
        }
        JsonNode prefix = s.get("prefixItems");
        if (prefix != null && prefix.isArray() && index < prefix.size()) {
            return prefix.get(index);
        }
        JsonNode items = s.get("items");
        if (items != null && items.isArray()) {
            if (index < items.size()) {
                return items.get(index);
            }
            JsonNode additional = s.get("additionalItems");
            return additional != null && additional.isObject() ? additional : null;
        }
        if (items != null && items.isObject()) {
            return items;
        }
        for (JsonNode branch : branches(s)) {
            Set<Type> types = types(branch);
            if (types.isEmpty() || types.contains(Type.ARRAY)) {
                JsonNode found = item(branch, index, depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The string values of {@code enum}/{@code const}, through the combinators. */
    List<String> enumStrings(JsonNode schema) {
        List<String> values = new ArrayList<>();
        collectEnumStrings(schema, values, 0);
        return values;
    }

    private void collectEnumStrings(JsonNode schema, List<String> values, int depth) {
        JsonNode s = resolve(schema);
        if (s == null || depth > MAX_DEPTH) {
            return;
        }
        for (JsonNode value : s.path("enum")) {
            if (value.isString()) {
                values.add(value.stringValue());
            }
        }
        if (s.path("const").isString()) {
            values.add(s.get("const").stringValue());
        }
        for (JsonNode branch : branches(s)) {
            collectEnumStrings(branch, values, depth + 1);
        }
    }

    private static List<JsonNode> branches(JsonNode s) {
        List<JsonNode> branches = new ArrayList<>();
        for (String keyword : List.of("allOf", "anyOf", "oneOf")) {
            s.path(keyword).forEach(branches::add);
        }
        return branches;
    }
}
