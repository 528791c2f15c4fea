package dev.anyclaude.api;

import dev.anyclaude.backend.TokenEstimator;
import dev.anyclaude.openai.ChatRequestMapper;
import dev.anyclaude.openai.ClaudeCodeSessions;
import dev.anyclaude.openai.OpenAiFlavor;
import dev.anyclaude.testing.Captures;
import dev.anyclaude.testing.Fuzz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link RequestJson#parse} takes large values a request repeats (tools, system prompt, each message) from the
 * values earlier requests sent, and must come to the same tree, or the same refusal, as reading the body whole.
 */
class RequestJsonSharingTest {

    private static final List<byte[]> BODIES = new ArrayList<>();

    @BeforeAll
    static void captures() {
        for (String capture : List.of("01-print-mode-first-request.json", "02-print-mode-followup-after-tool-result.json",
                "03-print-mode-parallel-tool-results.json", "09-subagent-request.json", "11-websearch-side-request.json")) {
            BODIES.add(Json.bytes(Captures.body(capture)));
        }
    }

    @Test
    void theSameBytesGiveTheSameTreeOnceParsedAndAnEqualOneToReadingWhole() {
        for (byte[] body : BODIES) {
            JsonNode first = RequestJson.parse(body);
            JsonNode again = RequestJson.parse(body.clone());

            assertThat(first).isEqualTo(RequestJson.parseWhole(body));
            assertThat(again).isEqualTo(first);
            assertSharedWhenLarge(again.get("tools"), first.get("tools"), "tools");
            assertSharedWhenLarge(again.get("system"), first.get("system"), "system");
            for (int i = 0; i < first.get("messages").size(); i++) {
                assertSharedWhenLarge(again.get("messages").get(i), first.get("messages").get(i), "messages." + i);
            }
        }
    }

    /** Values of 1 KB and more are kept, so a second request gets the first one's tree; shorter ones are read anew. */
    private static void assertSharedWhenLarge(JsonNode again, JsonNode first, String path) {
        if (first != null && first.isContainer() && Json.bytes(first).length >= 1024) {
            assertThat(again).as(path).isSameAs(first);
        } else {
            assertThat(again).as(path).isEqualTo(first);
        }
    }

    @Test
    void aToolListIsSharedAcrossRequestsThatDifferElsewhere() {
        ObjectNode one = (ObjectNode) Json.parse(BODIES.get(0));
        ObjectNode other = one.deepCopy();
        other.put("max_tokens", 17);
        other.withArray("messages").addObject().put("role", "user").put("content", "and more");
        // pretty-printed: the same values at other offsets, and with whitespace around them
        byte[] spaced = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(other);

        JsonNode a = RequestJson.parse(Json.bytes(one));
        JsonNode b = RequestJson.parse(Json.bytes(other));

        assertThat(b.get("tools")).isSameAs(a.get("tools"));
        assertThat(b.get("max_tokens").intValue()).isEqualTo(17);
        assertThat(b).isEqualTo(other);
        assertThat(RequestJson.parse(spaced)).isEqualTo(other);
    }

    @Test
    void aChangedByteInsideAKeptValueIsReadAsSent() {
        byte[] body = BODIES.get(0);
        JsonNode kept = RequestJson.parse(body);
        String text = new String(body, StandardCharsets.ISO_8859_1); // one char per byte: indexes are offsets
        int at = text.indexOf("\"description\":\"", text.indexOf("\"tools\":")) + "\"description\":\"".length();
        byte[] changed = body.clone();
        changed[at] = (byte) (changed[at] == 'X' ? 'Y' : 'X');

        JsonNode parsed = RequestJson.parse(changed);

        assertThat(parsed.get("tools")).isNotSameAs(kept.get("tools")).isNotEqualTo(kept.get("tools"));
        assertThat(parsed).isEqualTo(RequestJson.parseWhole(changed));
    }

    /** Shared trees are read by every request that sends their bytes: no mapping may change one. */
    @Test
    void mappingRequestsChangesNoKeptTree() {
        List<byte[]> bodies = new ArrayList<>(BODIES);
        for (ClaudeCodeSessions.Session session : ClaudeCodeSessions.all()) {
            session.turns().forEach(turn -> bodies.add(Json.bytes(turn)));
        }
        for (byte[] body : bodies) {
            for (int pass = 0; pass < 2; pass++) {
                MessagesRequest request = RequestParser.parseMessages(body);
                for (OpenAiFlavor flavor : OpenAiFlavor.values()) {
                    Json.bytes(ChatRequestMapper.map(request, new ChatRequestMapper.Options(flavor, "m", 100, "s")));
                }
                TokenEstimator.estimate(request);
                Json.bytes(request.withModel("other").raw());
            }
        }
        List<SharedValues.Value> kept = RequestJson.keptValues();
        assertThat(kept).hasSizeGreaterThan(10);
        for (SharedValues.Value value : kept) {
            assertThat(value.node()).isEqualTo(Json.parse(value.bytes()));
        }
    }

    @Test
    void refusalsAreTheSameAsReadingWhole() {
        String big = "x".repeat(2000);
        List<String> bodies = List.of(
                "{\"tools\":[{\"name\":\"a\",\"description\":\"" + big + "\"}], \"tools\":[]}",
                "{\"tools\":[{\"name\":\"a\",\"name\":\"b\",\"description\":\"" + big + "\"}]}",
                "{\"system\":[{\"type\":\"text\",\"text\":\"" + big + "\"}]} trailing",
                "{\"system\":[{\"type\":\"text\",\"text\":\"" + big + "\"}]}{}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"},]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\\ud800\"}]}",
                "{\"messages\":[" + "[".repeat(600) + "]".repeat(600) + "]}",
                "{\"tools\":[{\"n\":1" + "0".repeat(1200) + "}]}",
                "[1,2,3]", "", "   ", "{\"messages\": {\"a\": 1}}");
        for (String text : bodies) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            Throwable whole = catchThrowable(() -> RequestJson.parseWhole(body));
            Throwable shared = catchThrowable(() -> RequestJson.parse(body));
            if (whole == null) {
                assertThat(shared).as(text).isNull();
                assertThat(RequestJson.parse(body)).isEqualTo(RequestJson.parseWhole(body));
            } else {
                assertThat(shared).as(text.length() > 80 ? text.substring(0, 80) : text)
                        .isInstanceOf(ApiException.class).hasMessage(whole.getMessage());
            }
        }
        assertThatThrownBy(() -> RequestJson.parse(bodies.get(0).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Duplicate");
    }

    @Test
    void mutatedBodiesGiveTheSameTreeOrRefusalAsReadingWhole() {
        Fuzz.fromSystemProperties(300).run((seed, random) -> {
            byte[] seedBody = BODIES.get(random.nextInt(BODIES.size()));
            RequestJson.parse(seedBody); // its values kept, so the mutant's unchanged ones are found
            byte[] body = Fuzz.mutateBytes(seedBody, random);
            Throwable whole = catchThrowable(() -> RequestJson.parseWhole(body));
            Throwable shared = catchThrowable(() -> RequestJson.parse(body));
            if (whole == null) {
                assertThat(shared).isNull();
                assertThat(RequestJson.parse(body)).isEqualTo(RequestJson.parseWhole(body));
            } else {
                assertThat(shared).isInstanceOf(ApiException.class).hasMessage(whole.getMessage());
            }
        });
    }

    @Test
    void keptValuesAreBoundedByTheirBytesAndFoundByTheirBytesAlone() {
        SharedValues values = new SharedValues(150, 2000);
        Random random = new Random(5);
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] json = ("[\"" + "ab".repeat(80) + Long.toHexString(random.nextLong()) + "\"]")
                    .getBytes(StandardCharsets.UTF_8);
            all.add(json);
            values.keep(json, 0, json.length, Json.parse(json));
            assertThat(values.heldBytes()).isLessThanOrEqualTo(2000);
        }
        assertThat(values.size()).isBetween(1, 2000 / 150);
        byte[] last = all.getLast();
        byte[] inBody = ("{\"x\":" + new String(last, StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(values.find(inBody, 5)).isNotNull()
                .satisfies(v -> assertThat(v.node()).isEqualTo(Json.parse(last)));
        assertThat(values.find(all.getFirst(), 0)).as("the eldest, let go").isNull();
        byte[] cut = java.util.Arrays.copyOf(last, last.length - 1);
        assertThat(values.find(cut, 0)).as("the same start, cut short").isNull();
        byte[] tiny = "[1,2,3]".getBytes(StandardCharsets.UTF_8);
        values.keep(tiny, 0, tiny.length, Json.parse(tiny));
        assertThat(values.find(tiny, 0)).as("too short to keep").isNull();
        for (SharedValues.Value kept : values.kept()) {
            assertThat(kept.node()).isEqualTo(Json.parse(kept.bytes()));
        }
    }
}
