package dev.anyclaude.backend;

import tools.jackson.databind.JsonNode;

import java.util.Map;

/**
 * Writes JSON the way chat templates put it into a prompt: Python's {@code json.dumps(x, ensure_ascii=False)},
 * which is what the {@code tojson} filter of Hugging Face templates produces ({@code ", "} and {@code ": "}
 * separators, non-ASCII left as is). Tool schemas and tool-call arguments reach an open model in this form,
 * and the spaces change the token count by a few percent against compact JSON.
 */
final class PromptJson {

    private PromptJson() {
    }

    /** The node as prompt JSON, leaving out {@code skipField} on every object (null: leave out nothing). */
    static String write(JsonNode node, String skipField) {
        StringBuilder out = new StringBuilder(256);
        append(out, node, skipField);
        return out.toString();
    }

    static void append(StringBuilder out, JsonNode node, String skipField) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            appendObject(out, node, skipField);
        } else if (node.isArray()) {
            out.append('[');
            boolean first = true;
            for (JsonNode element : node.values()) {
                out.append(first ? "" : ", ");
                first = false;
                append(out, element, skipField);
            }
            out.append(']');
        } else if (node.isString()) {
            appendString(out, node.stringValue());
        } else {
            out.append(node.toString()); // numbers and booleans print as JSON literals
        }
    }

    private static void appendObject(StringBuilder out, JsonNode node, String skipField) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getKey().equals(skipField)) {
                continue;
            }
            out.append(first ? "" : ", ");
            first = false;
            appendString(out, field.getKey());
            out.append(": ");
            append(out, field.getValue(), skipField);
        }
        out.append('}');
    }

    static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
