package dev.anyclaude.contract;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.Captures;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.Fuzz;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated client requests against a running gateway (a healthy fake upstream behind it): starting
 * from real Claude Code requests and a few small ones, bytes are flipped, ranges deleted or duplicated, bodies
 * cut, tokens spliced in, and values of any field swapped for values of other types. Whatever arrives, the
 * answer is a valid response (a validated event stream, or a message) or a JSON Anthropic 4xx error, within a
 * bound, and never mentions an exception or a stack frame.
 *
 * <p>The normal suite runs {@value #CASES} cases (a few seconds). Run it longer with
 * {@code mvn -o test -Dtest=RequestFuzzTest -Danyclaude.fuzz.seconds=600}; a failure prints the seed that
 * replays it ({@code -Danyclaude.fuzz.seed=S -Danyclaude.fuzz.iterations=1}); see {@link Fuzz}.
 */
class RequestFuzzTest {

    static final int CASES = 400;
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final List<String> CAPTURES = List.of("01-print-mode-first-request.json",
            "02-print-mode-followup-after-tool-result.json", "03-print-mode-parallel-tool-results.json",
            "09-subagent-request.json", "11-websearch-side-request.json", "12-nonstreaming-fallback.json");

    private static FakeUpstream upstream;
    private static GatewayUnderTest gateway;
    private static final List<byte[]> SEEDS = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = FakeUpstream.start(RequestFuzzTest::answer);
        gateway = GatewayUnderTest.start(GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI).withModel("m"));
        for (String capture : CAPTURES) {
            SEEDS.add(Json.bytes(Captures.body(capture)));
        }
        SEEDS.add(utf8("{\"model\":\"claude-x\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        SEEDS.add(utf8("{\"model\":\"claude-x\",\"max_tokens\":64,\"stream\":true,\"system\":\"Be brief.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"weather?\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\","
                + "\"input\":{\"city\":\"Paris\"}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"}]}],\"tools\":[{\"name\":\"get_weather\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],"
                + "\"tool_choice\":{\"type\":\"auto\"},\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"temperature\":1,\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u\"}}"));
    }

    @AfterAll
    static void stop() {
        Resources.closeInOrder(gateway, upstream);
    }

    /** A healthy upstream: a short answer, sometimes with a tool call, in the form asked for. */
    private static Reply answer(RecordedRequest request) {
        OpenAiSse sse = OpenAiSse.chat("m").role().text("Hello");
        if (request.sequence() % 3 == 0) {
            sse.toolCall(0, "call_" + request.sequence(), "get_weather", "{\"city\":", "\"Paris\"}").finish("tool_calls");
        } else {
            sse.finish("stop");
        }
        sse.usage(20, 3, 0).done();
        return sse.reply().withChunking(Chunking.random(request.sequence(), 17));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mutatedRequestsGetAValidResponseOrAClearError() {
        int cases = Fuzz.fromSystemProperties(CASES).run((seed, random) -> {
            byte[] body = mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
            String path = random.nextInt(4) == 0 ? "/v1/messages/count_tokens" : "/v1/messages?beta=true";
            check(path, body);
        });
        assertThat(cases).isPositive();
        assertThat(upstream.handlerErrors()).isEmpty();
    }

    private static void check(String path, byte[] body) throws Exception {
        long start = System.nanoTime();
        RawHttp.Response response;
        try {
            response = gateway.http().post(path, body);
        } catch (AssertionError invalidStream) {
            throw new AssertionError("invalid event stream for body " + excerpt(body), invalidStream);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String text = response.text();
        String context = "HTTP " + response.status() + " " + excerpt(response.body()) + "\n  for body "
                + excerpt(body);
        assertThat(took).as("time for " + context).isLessThan(BOUND);
        assertThat(text).as(context).doesNotContain("Exception").doesNotContain("at dev.anyclaude")
                .doesNotContain("at java.");
        int status = response.status();
        assertThat(status == 200 || (status >= 400 && status < 500)).as(context).isTrue();
        if (status != 200) {
            JsonNode json = response.json();
            assertThat(Json.text(json, "type")).as(context).isEqualTo("error");
            assertThat(Json.text(json.path("error"), "type")).as(context).isNotBlank();
            assertThat(Json.text(json.path("error"), "message")).as(context).isNotBlank();
        } else if (response.isEventStream()) {
            assertThat(response.stream().valid()).as(context).isTrue(); // RawHttp has validated it already
        } else if (path.contains("count_tokens")) {
            assertThat(response.json().path("input_tokens").asLong(-1)).as(context).isPositive();
        } else {
            assertThat(Json.text(response.json(), "type")).as(context).isEqualTo("message");
        }
    }

    private static String excerpt(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 400 ? text.substring(0, 200) + " ... " + text.substring(text.length() - 200) : text;
    }

    // ---- mutations --------------------------------------------------------------------------------------

    /** Byte edits half of the time; otherwise a field somewhere in the tree gets a value of another type. */
    static byte[] mutate(byte[] seed, Random random) {
        if (random.nextBoolean()) {
            return Fuzz.mutateBytes(seed, random);
        }
        JsonNode tree = Json.parse(seed);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(tree, containers);
            if (containers.isEmpty()) {
                break;
            }
            JsonNode target = containers.get(random.nextInt(containers.size()));
            replaceOne(target, random);
        }
        return UNLIMITED.writeValueAsBytes(tree);
    }

    /** Writes trees of any depth: a deep value spliced into another must reach the gateway, not fail here. */
    private static final JsonMapper UNLIMITED = JsonMapper.builder(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build()).build();

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainer() && !node.isEmpty()) {
            out.add(node);
            for (JsonNode child : node.values()) {
                collect(child, out);
            }
        }
    }

    private static void replaceOne(JsonNode container, Random random) {
        JsonNode value = randomValue(random);
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(5)) {
                case 0 -> object.remove(name);
                case 1 -> object.set("x_" + random.nextInt(100), value);
                default -> object.set(name, value);
            }
        } else if (container instanceof ArrayNode array) {
            int index = random.nextInt(array.size());
            switch (random.nextInt(5)) {
                case 0 -> array.remove(index);
                case 1 -> array.insert(index, array.get(index).deepCopy());
                default -> array.set(index, value);
            }
        }
    }

    private static JsonNode randomValue(Random random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(16)) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(random.nextInt());
            case 3 -> nodes.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(40))));
            case 4 -> nodes.numberNode(random.nextBoolean() ? 10.5 : -0.0);
            case 5 -> nodes.numberNode(new java.math.BigDecimal("1e" + random.nextInt(400)));
            case 6 -> nodes.stringNode("");
            case 7 -> nodes.stringNode(List.of("user", "assistant", "system", "text", "tool_use", "tool_result",
                    "image", "thinking", "auto", "any", "tool", "none", "enabled", "adaptive").get(random.nextInt(14)));
            case 8 -> nodes.stringNode("\uD800 lone" + (random.nextBoolean() ? "\u0000" : "\uDFFF"));
            case 9 -> nodes.stringNode("x".repeat(random.nextInt(5_000)));
            case 10 -> nodes.arrayNode();
            case 11 -> nodes.objectNode();
            case 12 -> deep(random.nextInt(700));
            case 13 -> nodes.objectNode().put("type", "text").put("text", "injected");
            case 14 -> nodes.arrayNode().add(nodes.objectNode().put("type", "mystery_block"));
            default -> nodes.objectNode().set("input", nodes.stringNode("{not an object"));
        };
    }

    private static JsonNode deep(int depth) {
        JsonNode node = JsonNodeFactory.instance.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = JsonNodeFactory.instance.arrayNode().add(node);
        }
        return node;
    }
}
