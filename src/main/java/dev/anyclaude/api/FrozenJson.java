package dev.anyclaude.api;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable JSON objects that every request shares, written once: a frozen object's JSON text is made when it is
 * made, and each later write copies that text instead of walking the tree again. For the parts of an upstream
 * request that repeat from request to request as they are, such as each tool's function entry: a Claude Code
 * request's tool schemas are hundreds of small nodes, and walking them was most of the time spent writing its
 * body once the long strings were remembered ({@link RepeatedStrings}; docs/BENCHMARKS.md, twelfth pass).
 *
 * <p>The copy is immutable all the way down (its objects and arrays refuse every change), so sharing it between
 * requests and threads is safe and its text cannot go stale. It reads as any other tree; {@code deepCopy} gives
 * an ordinary mutable one. Written through the generator's raw-value call, it comes out byte for byte as the
 * tree would (the text is made by the same mapper).
 */
public final class FrozenJson {

    private FrozenJson() {
    }

    /** An immutable copy of {@code source} whose JSON text is made now and written as it is from then on. */
    public static ObjectNode object(ObjectNode source) {
        return new Written(frozenChildren(source));
    }

    private static Map<String, JsonNode> frozenChildren(ObjectNode source) {
        Map<String, JsonNode> children = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : source.properties()) {
            children.put(field.getKey(), frozen(field.getValue()));
        }
        return Collections.unmodifiableMap(children);
    }

    private static JsonNode frozen(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return new ObjectNode(JsonNodeFactory.instance, frozenChildren(object));
        }
        if (node instanceof ArrayNode array) {
            List<JsonNode> elements = new ArrayList<>(array.size());
            for (JsonNode element : array) {
                elements.add(frozen(element));
            }
            return new ArrayNode(JsonNodeFactory.instance, Collections.unmodifiableList(elements));
        }
        // scalars (strings, numbers, booleans, null) are immutable already
        return node;
    }

    /** The frozen object: its children cannot change, so the text made at construction stays its JSON. */
    private static final class Written extends ObjectNode {
        private static final long serialVersionUID = 1L;

        /**
         * The object's JSON; null while the constructor makes it, and for the rare tree with a lone surrogate in its
         * text (written one way by the UTF-8 generator and another by a writer's): it is then written as usual.
         */
        private final transient SerializableString json;

        Written(Map<String, JsonNode> children) {
            super(JsonNodeFactory.instance, children);
            this.json = textOf(Json.MAPPER.writeValueAsBytes(this));
        }

        /**
         * The JSON as text, which a writer writes as it is, with the UTF-8 bytes the generator wrote for it; null
         * when the tree holds a lone surrogate, which the UTF-8 generator writes as a backslash-u escape and a
         * writer as the character itself (a surrogate pair is one code point either way).
         */
        private static SerializableString textOf(byte[] bytes) {
            for (int i = 0; i + 3 < bytes.length; i++) {
                if (bytes[i] == '\\' && bytes[i + 1] == 'u' && (bytes[i + 2] == 'D' || bytes[i + 2] == 'd')
                        && "89ABCDEFabcdef".indexOf(bytes[i + 3]) >= 0) {
                    return null;
                }
            }
            return new Text(new String(bytes, StandardCharsets.UTF_8), bytes);
        }

        /** The text with its UTF-8 bytes as the generator wrote them, not encoded again on the first write. */
        private static final class Text extends SerializedString {
            private static final long serialVersionUID = 1L;

            Text(String text, byte[] utf8) {
                super(text);
                _unquotedUTF8Ref = utf8;
            }
        }

        @Override
        public void serialize(JsonGenerator generator, SerializationContext context) {
            if (json == null) {
                super.serialize(generator, context);
            } else {
                generator.writeRawValue(json);
            }
        }
    }
}
