package dev.anyclaude.api;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A frozen object is written from the text made when it was frozen: that text must be the tree's own bytes
 * (an upstream's prefix cache hits only on identical bytes) wherever it sits in a larger tree and however it
 * is written, and it must not be possible to change the tree under the text.
 */
class FrozenJsonTest {

    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final String[] PIECES = {"\"", "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "\u2028", "é",
        "日本語", "😀", "\ud800", "\udc00x", "</script>", "plain text ", "{\"a\":[1,2]}"};

    @Test
    void randomTreesAreWrittenAsTheirUnfrozenSelvesEveryWay() {
        Random random = new Random(20261127);
        RepeatedStrings strings = new RepeatedStrings();
        int raw = 0;
        for (int i = 0; i < 1500; i++) {
            ObjectNode source = randomObject(random, 0);
            ObjectNode frozen = FrozenJson.object(source);
            assertThat(frozen).as("tree %d", i).isEqualTo(source);
            assertThat(Json.bytes(frozen)).as("tree %d", i).isEqualTo(Json.bytes(source));
            assertThat(Json.string(frozen)).as("tree %d", i).isEqualTo(Json.string(source));

            // inside a body, twice, next to other values, through the upstream body's writer
            ObjectNode body = Json.object().put("model", "m");
            ArrayNode tools = body.putArray("tools");
            tools.add(frozen);
            tools.add(FrozenJson.object(source));
            body.put("stream", true);
            ObjectNode plain = body.deepCopy();
            assertThat(plain.get("tools").get(0).getClass()).isEqualTo(ObjectNode.class);
            assertThat(strings.bytes(body)).as("tree %d in a body", i).isEqualTo(Json.bytes(plain));
            assertThat(Json.bytes(body)).as("tree %d in a body", i).isEqualTo(Json.bytes(plain));
            if (!Json.string(source).matches("(?s).*[\ud800-\udfff].*")) {
                raw++;
            }
        }
        assertThat(raw).as("trees without surrogates, written from their text").isGreaterThan(100);
    }

    @Test
    void theTextIsUsedOnceMadeAndTheTreeIsNotWalkedAgain() {
        // (a character outside the BMP, a surrogate pair in Java's strings, keeps the text path)
        ObjectNode source = Json.object().put("type", "function");
        source.putObject("function").put("name", "Read😀").putObject("parameters").put("type", "object");
        ObjectNode frozen = FrozenJson.object(source);
        // a generator that refuses to walk trees: only the raw text can get through
        ObjectNode body = Json.object();
        body.putArray("tools").add(frozen);
        var out = new java.io.ByteArrayOutputStream();
        try (var generator = new tools.jackson.core.util.JsonGeneratorDelegate(Json.MAPPER.createGenerator(out), true) {
            @Override
            public tools.jackson.core.JsonGenerator writeName(String name) {
                if (!name.equals("tools")) {
                    throw new AssertionError("walked into the frozen tree at " + name);
                }
                return super.writeName(name);
            }
        }) {
            Json.MAPPER.writeValue(generator, body);
        }
        assertThat(Json.utf8(out.toByteArray()))
                .isEqualTo("{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Read😀\",\"parameters\":{\"type\":\"object\"}}}]}");
    }

    @Test
    void noPartOfAFrozenTreeCanBeChanged() {
        ObjectNode source = Json.object().put("name", "Bash");
        ObjectNode schema = source.putObject("parameters");
        schema.putArray("required").add("command");
        schema.putObject("properties").putObject("command").put("type", "string");
        ObjectNode frozen = FrozenJson.object(source);
        byte[] before = Json.bytes(frozen);

        assertThatThrownBy(() -> frozen.put("name", "Other")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> frozen.remove("name")).isInstanceOf(UnsupportedOperationException.class);
        ObjectNode parameters = (ObjectNode) frozen.get("parameters");
        assertThatThrownBy(() -> parameters.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        ArrayNode required = (ArrayNode) parameters.get("required");
        assertThatThrownBy(() -> required.add("more")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> required.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        ObjectNode command = (ObjectNode) parameters.get("properties").get("command");
        assertThatThrownBy(() -> command.removeAll()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Json.bytes(frozen)).isEqualTo(before);

        // the source stays the caller's, and a deep copy is an ordinary tree again
        source.put("name", "Changed");
        assertThat(frozen.get("name").asString()).isEqualTo("Bash");
        ObjectNode copy = frozen.deepCopy();
        copy.put("name", "Copy");
        ((ObjectNode) copy.get("parameters")).put("x", 1);
        assertThat(Json.bytes(frozen)).isEqualTo(before);
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = Json.object();
        int fields = random.nextInt(depth == 0 ? 6 : 4);
        for (int f = 0; f < fields; f++) {
            object.set(randomText(random, 8), randomValue(random, depth + 1));
        }
        return object;
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth < 4 ? 12 : 9);
        return switch (kind) {
            case 0 -> N.stringNode(randomText(random, 40));
            case 1 -> N.stringNode(randomText(random, 400));
            case 2 -> N.numberNode(random.nextInt());
            case 3 -> N.numberNode(random.nextLong());
            case 4 -> N.numberNode(random.nextDouble() * 1e6);
            case 5 -> N.numberNode(new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(20)));
            case 6 -> N.booleanNode(random.nextBoolean());
            case 7 -> N.nullNode();
            case 8 -> N.numberNode(random.nextFloat());
            case 9, 10 -> randomObject(random, depth);
            default -> {
                ArrayNode array = Json.array();
                int size = random.nextInt(4);
                for (int e = 0; e < size; e++) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
        };
    }

    private static String randomText(Random random, int maxLength) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        while (text.length() < length) {
            // mostly plain, now and then awkward
            text.append(random.nextInt(6) == 0 ? PIECES[random.nextInt(PIECES.length)] : "abcdefghij".substring(random.nextInt(10)));
        }
        return text.toString();
    }
}
