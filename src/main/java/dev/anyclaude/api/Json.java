package dev.anyclaude.api;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/** The one JSON mapper of the process. Trees keep field order, so re-serialisation is deterministic. */
public final class Json {
    /**
     * Writes nest deeper than requests may ({@link RequestJson#MAX_NESTING_DEPTH}): a mapping wraps what the
     * client sent (a tool schema goes from {@code tools.0.input_schema} to {@code tools.0.function.parameters}),
     * and Jackson's default write limit equals the read limit, so a schema at the limit failed on its way out.
     */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(1000).build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** Parses a JSON document; throws {@link JacksonException} on malformed input. */
    public static JsonNode parse(byte[] bytes) {
        return MAPPER.readTree(bytes);
    }

    public static JsonNode parse(String text) {
        return MAPPER.readTree(text);
    }

    public static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    public static String string(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /**
     * The inside of {@code text}'s JSON string literal as UTF-8 (no surrounding quotes): the bytes the mapper's
     * generator writes for it, from Jackson's own quoting. Null for a string with a surrogate, where the
     * generator and that quoting part ways on lone ones; the caller then writes it through the generator.
     * SseEncoderTest and RepeatedStringsTest compare both ways byte for byte.
     */
    static byte[] quotedUtf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return null;
            }
        }
        return JsonStringEncoder.getInstance().quoteAsUTF8(text);
    }

    public static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The text of a string node, or null when the node is missing, null or not a string. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }
}
