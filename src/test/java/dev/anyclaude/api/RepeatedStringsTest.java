package dev.anyclaude.api;

import dev.anyclaude.openai.ChatRequestMapper;
import dev.anyclaude.openai.OpenAiFlavor;
import dev.anyclaude.testing.Captures;
import dev.anyclaude.openai.ClaudeCodeSessions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Upstream bodies written with long strings' quoted forms remembered must be the bytes {@link Json#bytes}
 * writes (a prefix cache hits only on identical bytes), the first time and every time after.
 */
class RepeatedStringsTest {

    private static List<JsonNode> captures() {
        List<JsonNode> bodies = new ArrayList<>();
        for (String capture : List.of("01-print-mode-first-request.json", "02-print-mode-followup-after-tool-result.json",
                "03-print-mode-parallel-tool-results.json", "04-toolsearch-followup.json", "09-subagent-request.json",
                "11-websearch-side-request.json", "12-nonstreaming-fallback.json")) {
            bodies.add(Captures.body(capture));
        }
        for (ClaudeCodeSessions.Session session : ClaudeCodeSessions.all()) {
            bodies.addAll(session.turns());
        }
        return bodies;
    }

    @Test
    void everyCapturedRequestMappedForEveryFlavourIsWrittenToTheSameBytesTwice() {
        RepeatedStrings strings = new RepeatedStrings();
        int compared = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (JsonNode body : captures()) {
                MessagesRequest request = RequestParser.parseMessages(Json.bytes(body));
                for (OpenAiFlavor flavor : OpenAiFlavor.values()) {
                    ObjectNode mapped = ChatRequestMapper.map(request,
                            new ChatRequestMapper.Options(flavor, "m", 100, "s"));
                    // the plain copy is written by walking every node: the frozen tool entries must give the same bytes
                    assertThat(strings.bytes(mapped)).as("%s, pass %d", flavor, pass).isEqualTo(Json.bytes(mapped.deepCopy()));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(20);
        assertThat(strings.size()).as("long strings remembered").isGreaterThan(10);
    }

    @Test
    void awkwardLongStringsAreWrittenAsTheGeneratorWritesThem() {
        RepeatedStrings strings = new RepeatedStrings();
        Random random = new Random(20261126);
        String[] pieces = {"\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u001f", "\u007f", "\u2028",
                "\u2029", "é", "日本語", "😀", "</script>", "{\"a\":[1,2]}", "plain ascii text "};
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder();
            int length = RepeatedStrings.MIN_CHARS - 20 + random.nextInt(600);
            while (text.length() < length) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            ObjectNode tree = Json.object();
            tree.put("before", "x");
            ArrayNode values = tree.putArray("values");
            values.add(text.toString());
            values.add(text.toString());
            tree.put("after", text.toString());
            byte[] expected = Json.bytes(tree);
            assertThat(strings.bytes(tree)).as("string %d", i).isEqualTo(expected);
            assertThat(strings.bytes(tree)).as("string %d again", i).isEqualTo(expected);
        }
    }

    @Test
    void aLoneSurrogateTakesTheGeneratorsOwnWay() {
        RepeatedStrings strings = new RepeatedStrings();
        String lone = "a".repeat(RepeatedStrings.MIN_CHARS) + "\ud800" + "b";
        ObjectNode tree = Json.object().put("text", lone);
        Throwable direct = catchThrowable(() -> Json.bytes(tree));
        Throwable remembered = catchThrowable(() -> strings.bytes(tree));
        if (direct == null) {
            assertThat(strings.bytes(tree)).isEqualTo(Json.bytes(tree));
        } else {
            assertThat(remembered).isNotNull().hasSameClassAs(direct);
        }
    }

    @Test
    void onlyLongStringsAreRememberedAndTheMemoStaysWithinItsBound() {
        RepeatedStrings strings = new RepeatedStrings();
        strings.bytes(Json.object().put("short", "s".repeat(RepeatedStrings.MIN_CHARS - 1)));
        assertThat(strings.size()).isZero();
        String longText = "l".repeat(RepeatedStrings.MIN_CHARS);
        strings.bytes(Json.object().put("a", longText).put("b", new String(longText.toCharArray())));
        assertThat(strings.size()).as("equal strings share an entry").isEqualTo(1);

        String big = "x".repeat(1024 * 1024 - 16);
        for (int i = 0; i < 40; i++) {
            strings.bytes(Json.object().put("big", big + i));
            assertThat(strings.bytesHeld()).isLessThanOrEqualTo(RepeatedStrings.MAX_BYTES);
        }
        assertThat(strings.size()).isBetween(1, (int) (RepeatedStrings.MAX_BYTES / (1024 * 1024)));
    }
}
