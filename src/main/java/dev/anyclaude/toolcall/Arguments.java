package dev.anyclaude.toolcall;

import java.util.List;

/** The arguments of a tool call before they are typed by the tool's schema. */
public sealed interface Arguments {

    /**
     * The arguments as the model wrote them in a JSON-native format: JSON text, possibly with Python
     * literals ({@code True}, {@code None}, single quotes) or double-encoded as a JSON string.
     */
    record JsonText(String text) implements Arguments {
    }

    /** Named values from an XML-ish or custom format, each typed later by the tool's schema. */
    record Params(List<Param> values) implements Arguments {
        public Params {
            values = List.copyOf(values);
        }
    }

    /**
     * One named value. {@link ValueKind#UNTYPED} values are converted by the schema (XML formats write
     * every value as text); {@link ValueKind#STRING} values are strings whatever they look like (DSML
     * {@code string="true"}, Gemma's quoted strings); {@link ValueKind#JSON} values are JSON or Python literals.
     * A value is the model's text without the template's framing: Qwen3-Coder's template writes a newline
     * after {@code <parameter=x>} and before {@code </parameter>}, and its parser drops exactly those.
     */
    record Param(String name, String value, ValueKind kind) {
    }

    enum ValueKind { UNTYPED, STRING, JSON }
}
