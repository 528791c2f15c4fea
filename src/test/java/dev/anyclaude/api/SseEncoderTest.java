package dev.anyclaude.api;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delta written straight from its strings is byte for byte what the JSON tree gives, for every delta kind
 * and for text of every awkward kind: quotes, backslashes, every control character, DEL, Latin-1, CJK, line
 * and paragraph separators, emoji and lone surrogates (which go the tree's way).
 */
class SseEncoderTest {

    private static final List<String> KINDS = List.of("text_delta:text", "thinking_delta:thinking",
            "input_json_delta:partial_json", "signature_delta:signature");

    private static StreamEvent.BlockDelta delta(int index, String type, String field, String value) {
        ObjectNode delta = Json.object();
        delta.put("type", type);
        delta.put(field, value);
        return new StreamEvent.BlockDelta(index, delta);
    }

    private static void sameAsTheTree(StreamEvent.BlockDelta event) {
        assertThat(new String(SseEncoder.encode(event), StandardCharsets.UTF_8))
                .isEqualTo(new String(SseEncoder.generic(event), StandardCharsets.UTF_8));
        assertThat(SseEncoder.encode(event)).isEqualTo(SseEncoder.generic(event));
    }

    @Test
    void theUsualDeltasTakeTheDirectWayAndReadAsTheTreeDoes() {
        for (String kind : KINDS) {
            String[] parts = kind.split(":");
            for (String text : List.of("", "Hello", " world", "a \"quoted\" \\ path\\to\\file", "line\nbreak\ttab\r",
                    "{\"path\": \"/tmp/x\", \"n\": 1}", "\u0000\u0001\u001f\u007f", "café – naïve", "中文テキスト",
                    "\u2028\u2029", "</script>")) {
                StreamEvent.BlockDelta event = delta(3, parts[0], parts[1], text);
                assertThat(SseEncoder.delta(event)).as("the direct way for %s", text).isNotNull();
                sameAsTheTree(event);
            }
        }
    }

    @Test
    void randomTextOfEveryKindReadsAsTheTreeDoes() {
        Random random = new Random(20261126L);
        char[] awkward = {'"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001b', '\u007f', '\u0080',
                '\u00e9', '\u2028', '\u4e2d', '\ufffd', '\ud83d', '\ude00', '\ud800', '\udfff', 'a', ' ', '<', '&'};
        for (int i = 0; i < 5000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                text.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : awkward[random.nextInt(awkward.length)]);
            }
            String[] parts = KINDS.get(random.nextInt(KINDS.size())).split(":");
            sameAsTheTree(delta(random.nextInt(1000), parts[0], parts[1], text.toString()));
        }
    }

    @Test
    void otherShapesGoThroughTheTree() {
        ObjectNode three = Json.object();
        three.put("type", "text_delta");
        three.put("text", "a");
        three.put("extra", 1);
        ObjectNode number = Json.object();
        number.put("type", "text_delta");
        number.put("text", 5);
        ObjectNode typeSecond = Json.object();
        typeSecond.put("text", "a");
        typeSecond.put("type", "text_delta");
        for (ObjectNode shape : List.of(three, number, typeSecond)) {
            StreamEvent.BlockDelta event = new StreamEvent.BlockDelta(0, shape);
            assertThat(SseEncoder.delta(event)).isNull();
            sameAsTheTree(event);
        }
        assertThat(SseEncoder.delta(delta(0, "text_delta", "text", "smile \ud83d\ude00"))).isNull();
    }
}
