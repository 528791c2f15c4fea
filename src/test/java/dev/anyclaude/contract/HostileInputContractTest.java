package dev.anyclaude.contract;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.server.GatewayServer;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken client requests over real loopback HTTP: each one gets an Anthropic
 * {@code invalid_request_error} (or {@code request_too_large}) whose message names what is wrong and where,
 * never a stack trace or a 500, and the gateway serves a normal request right after it. Large but valid
 * requests (thousands of messages, blocks, tools) are answered, in bounded time.
 *
 * <p>Decisions pinned here: duplicate keys are refused (a tree keeps one of the values, silently dropping the
 * other); a lone surrogate escape ({@code "\ud800"}) is refused as Anthropic does; an escaped NUL
 * ({@code "\u0000"}) is a valid character and passes; a body that is JSON is read whatever its content-type
 * says (curl's default form type included), as the protocol reference asks proxies to be lenient;
 * {@code max_tokens} 0 (cache pre-warm) is valid and 10.0 is an integer.
 */
class HostileInputContractTest {

    private static final String UPSTREAM_MODEL = "qwen-test-model";
    private static final String SMALL = "{\"model\":\"claude-x\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static FakeUpstream upstream;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(HostileInputContractTest::openAiServer);
        gateway = GatewayUnderTest.start(GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI)
                .withModel(UPSTREAM_MODEL));
    }

    @AfterAll
    static void stop() {
        Resources.closeInOrder(gateway, upstream);
    }

    @BeforeEach
    void forgetRequests() {
        upstream.clearRequests();
    }

    @AfterEach
    void upstreamHandlerNeverFailed() {
        assertThat(upstream.handlerErrors()).isEmpty();
    }

    private static Reply openAiServer(RecordedRequest request) {
        if (request.method().equals("POST") && request.path().equals("/v1/chat/completions")) {
            OpenAiSse answer = OpenAiSse.chat(UPSTREAM_MODEL).role().text("Hello").finish("stop").usage(9, 1, 0).done();
            return answer.reply().withChunking(Chunking.random(request.sequence(), 9));
        }
        return Reply.notFound(request);
    }

    private static RawHttp http() {
        return gateway.http();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** A 4xx Anthropic error of {@code type} whose message contains each fragment; returns the message. */
    private static String assertError(RawHttp.Response response, int status, String type, String... fragments) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("application/json");
        JsonNode json = response.json();
        assertThat(json.get("type").asString()).isEqualTo("error");
        assertThat(json.get("error").get("type").asString()).as(response.text()).isEqualTo(type);
        String message = json.get("error").get("message").asString();
        for (String fragment : fragments) {
            assertThat(message).contains(fragment);
        }
        assertNoInternals(response.text());
        return message;
    }

    private static String assertInvalid(RawHttp.Response response, String... fragments) {
        return assertError(response, 400, "invalid_request_error", fragments);
    }

    static void assertNoInternals(String body) {
        assertThat(body).doesNotContain("Exception").doesNotContain("at dev.anyclaude").doesNotContain("at java.")
                .doesNotContain("tools.jackson").doesNotContain("internal error");
    }

    /** A normal request right after: the gateway is still healthy. */
    private static void assertStillServes() throws Exception {
        RawHttp.Response response = http().post("/v1/messages", SMALL.replace("16,", "16,\"stream\":true,"));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.stream().stopReason()).isEqualTo("end_turn");
        RawHttp.Response whole = http().post("/v1/messages", SMALL);
        assertThat(whole.status()).as(whole.text()).isEqualTo(200);
        assertThat(whole.json().get("content").get(0).get("text").asString()).isEqualTo("Hello");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code SMALL} with the user text replaced by {@code marker}'s bytes swapped for {@code bytes}. */
    private static byte[] withBytesInText(byte... bytes) {
        byte[] body = utf8(SMALL.replace("\"hi\"", "\"h@i\""));
        int at = SMALL.indexOf("\"hi\"") + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(bytes);
        out.write(body, at + 1, body.length - at - 1);
        return out.toByteArray();
    }

    // ---- malformed JSON ---------------------------------------------------------------------------------

    @Test
    void malformedJsonSaysWhereItBroke() throws Exception {
        assertInvalid(http().post("/v1/messages", "{\"model\": \"x\", \"max_tokens\": 5 \"messages\": []}"),
                "request body is not valid JSON", "line 1 column");
        assertInvalid(http().post("/v1/messages/count_tokens", "not json at all"), "request body is not valid JSON");
        assertStillServes();
    }

    @Test
    void everyTruncationOfAValidRequestIsAnInvalidRequest() throws Exception {
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            for (int cut = 0; cut < SMALL.length(); cut++) {
                String prefix = SMALL.substring(0, cut);
                String message = assertInvalid(http().post(path, prefix));
                assertThat(message).as("cut at %d: %s", cut, prefix)
                        .containsAnyOf("request body is not valid JSON", "request body is empty");
            }
        }
        assertThat(upstream.requests("/v1/chat/completions")).isEmpty();
        assertStillServes();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[]", "[" + SMALL + "]", "\"a string\"", "42", "true", "null"})
    void jsonThatIsNotAnObjectSaysWhatItGot(String body) throws Exception {
        assertInvalid(http().post("/v1/messages", body), "request body must be a JSON object, got ");
        assertInvalid(http().post("/v1/messages/count_tokens", body), "request body must be a JSON object, got ");
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {" {}", "{}", " x", "]", "\u0000", "garbage"})
    void trailingGarbageAfterTheObjectIsRefused(String tail) throws Exception {
        assertInvalid(http().post("/v1/messages", SMALL + tail), "request body is not valid JSON");
        assertStillServes();
    }

    @Test
    void trailingWhitespaceIsFine() throws Exception {
        assertThat(http().post("/v1/messages", SMALL + " \r\n\t ").status()).isEqualTo(200);
    }

    @Test
    void duplicateKeysAreRefusedNamingTheKey() throws Exception {
        assertInvalid(http().post("/v1/messages", SMALL.replace("{\"model\":\"claude-x\",",
                "{\"model\":\"claude-x\",\"model\":\"claude-y\",")), "Duplicate", "\"model\"");
        assertInvalid(http().post("/v1/messages", SMALL.replace("\"role\":\"user\",",
                "\"role\":\"user\",\"role\":\"assistant\",")), "Duplicate", "\"role\"", "messages.0.role");
        assertStillServes();
    }

    @Test
    void nestingTenThousandDeepIsRefusedWithoutStackOverflow() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        String body = SMALL.replace("\"content\":\"hi\"", "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":"
                + "\"t1\",\"content\":\"x\",\"extra\":" + deep + "}]");
        assertInvalid(http().post("/v1/messages", body), "request body is not valid JSON", "nesting depth");
        assertInvalid(http().post("/v1/messages/count_tokens", "{\"a\":".repeat(10_000)), "nesting depth");
        assertInvalid(http().post("/v1/messages", "[".repeat(100_000)), "nesting depth");
        assertStillServes();
    }

    @Test
    void nestingWithinTheLimitIsServed() throws Exception {
        String deep = "{\"a\":".repeat(400) + "1" + "}".repeat(400);
        String body = SMALL.replace("16,", "16,\"metadata\":{\"user_id\":\"u\",\"deep\":" + deep + "},");
        assertThat(http().post("/v1/messages", body).status()).isEqualTo(200);
    }

    @Test
    void aToolSchemaNestedToTheLimitStillGoesUpstream() throws Exception {
        // input_schema is the 4th level, 496 more inside it make the read limit (500); the mapping adds a level
        String schema = "{\"type\":\"object\",\"x\":" + "{\"a\":".repeat(496) + "1" + "}".repeat(496) + "}";
        String body = SMALL.replace("16,", "16,\"tools\":[{\"name\":\"deep\",\"input_schema\":" + schema + "}],");

        RawHttp.Response response = http().post("/v1/messages", body);

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(http().post("/v1/messages/count_tokens", body).status()).isEqualTo(200);
        assertInvalid(http().post("/v1/messages", body.replace("\"x\":{", "\"x\":{\"b\":{").replace("}}]", "}}}]")),
                "nesting depth");
    }

    @Test
    void hugeNumbersAreRefusedOrNamed() throws Exception {
        assertInvalid(http().post("/v1/messages", SMALL.replace("16,", "1" + "0".repeat(5000) + ",")),
                "request body is not valid JSON", "Number value length");
        assertInvalid(http().post("/v1/messages", SMALL.replace("16,", "16,\"temperature\":1e999,")),
                "temperature: Input should be a finite number");
        assertInvalid(http().post("/v1/messages", SMALL.replace("16,", "16,\"top_p\":-1e400,")),
                "top_p: Input should be a finite number");
        assertInvalid(http().post("/v1/messages", SMALL.replace("16,", "16,\"temperature\":NaN,")),
                "request body is not valid JSON", "NaN");
        assertStillServes();
    }

    @Test
    void loneSurrogateEscapesAreRefusedNamingTheField() throws Exception {
        assertInvalid(http().post("/v1/messages", SMALL.replace("\"hi\"", "\"h\\ud800i\"")),
                "messages.0.content", "lone UTF-16 surrogate");
        assertInvalid(http().post("/v1/messages", SMALL.replace("\"hi\"", "[{\"type\":\"text\",\"text\":\"\\udc00\"}]")),
                "messages.0.content.0.text", "lone UTF-16 surrogate");
        assertInvalid(http().post("/v1/messages/count_tokens", SMALL.replace("\"hi\"", "\"\\uD83D\"")),
                "messages.0.content", "lone UTF-16 surrogate");
        assertStillServes();
    }

    @Test
    void escapedSurrogatePairsAreCharacters() throws Exception {
        RawHttp.Response response = http().post("/v1/messages", SMALL.replace("\"hi\"", "\"smile \\ud83d\\ude00\""));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        String sent = upstream.requests("/v1/chat/completions").getLast().bodyText();
        assertThat(sent).contains("smile \uD83D\uDE00");
    }

    @Test
    void nulCharacters() throws Exception {
        // a raw NUL inside a string is not JSON; an escaped one is a character like any other and reaches the model
        assertInvalid(http().post("/v1/messages", SMALL.replace("\"hi\"", "\"h\u0000i\"")),
                "request body is not valid JSON", "code 0", "messages.0.content");
        RawHttp.Response escaped = http().post("/v1/messages", SMALL.replace("\"hi\"", "\"h\\u0000i\""));
        assertThat(escaped.status()).as(escaped.text()).isEqualTo(200);
        assertThat(upstream.requests("/v1/chat/completions").getLast().json().get("messages").get(0)
                .get("content").asString()).isEqualTo("h\u0000i");
        assertStillServes();
    }

    // ---- bytes that are not UTF-8 ------------------------------------------------------------------------

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("C3 28 (bad continuation)", new byte[]{(byte) 0xC3, 0x28}, "0xC3"),
                Arguments.of("C0 AF (overlong /)", new byte[]{(byte) 0xC0, (byte) 0xAF}, "0xC0"),
                Arguments.of("E0 80 AF (overlong /)", new byte[]{(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, "0xE0"),
                Arguments.of("FF", new byte[]{(byte) 0xFF}, "0xFF"),
                Arguments.of("ED A0 80 (UTF-8 encoded surrogate)", new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        "0xED"),
                Arguments.of("F4 90 80 80 (beyond U+10FFFF)", new byte[]{(byte) 0xF4, (byte) 0x90, (byte) 0x80,
                        (byte) 0x80}, "0xF4"),
                Arguments.of("E2 82 (truncated)", new byte[]{(byte) 0xE2, (byte) 0x82}, "0xE2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8IsRefusedWithItsOffset(String name, byte[] bad, String shown) throws Exception {
        byte[] body = withBytesInText(bad);
        int offset = SMALL.indexOf("\"hi\"") + 2;

        assertInvalid(http().post("/v1/messages", body), "request body is not valid UTF-8", shown,
                "byte offset " + offset);
        assertInvalid(http().post("/v1/messages/count_tokens", body), "request body is not valid UTF-8");
        assertStillServes();
    }

    @Test
    void invalidUtf8OutsideStringsIsRefusedToo() throws Exception {
        byte[] tail = {' ', (byte) 0xFF};
        byte[] body = new byte[SMALL.length() + 2];
        System.arraycopy(utf8(SMALL), 0, body, 0, SMALL.length());
        System.arraycopy(tail, 0, body, SMALL.length(), 2);
        assertInvalid(http().post("/v1/messages", body), "request body is not valid UTF-8", "0xFF");
    }

    @Test
    void utf16AndUtf32BodiesAreRefused() throws Exception {
        assertInvalid(http().post("/v1/messages", SMALL.getBytes(StandardCharsets.UTF_16LE)), "UTF-8");
        assertInvalid(http().post("/v1/messages", SMALL.getBytes(StandardCharsets.UTF_16BE)), "UTF-8");
        assertInvalid(http().post("/v1/messages", SMALL.getBytes("UTF-32LE")), "UTF-8");
        assertInvalid(http().post("/v1/messages", SMALL.getBytes(StandardCharsets.UTF_16)), "UTF-8"); // with a BOM
        assertStillServes();
    }

    @Test
    void aUtf8ByteOrderMarkIsIgnored() throws Exception {
        byte[] body = new byte[SMALL.length() + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(utf8(SMALL), 0, body, 3, SMALL.length());
        assertThat(http().post("/v1/messages", body).status()).isEqualTo(200);
    }

    @Test
    void multiByteCharactersAreFine() throws Exception {
        RawHttp.Response response = http().post("/v1/messages", SMALL.replace("\"hi\"", "\"héllo wörld ✓ 日本 😀\""));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(upstream.requests("/v1/chat/completions").getLast().json().get("messages").get(0)
                .get("content").asString()).isEqualTo("héllo wörld ✓ 日本 😀");
    }

    // ---- wrong types -------------------------------------------------------------------------------------

    /** A request with {@code extra} fields spliced in after max_tokens (extra ends with a comma). */
    private static String with(String extra) {
        return SMALL.replace("16,", "16," + extra);
    }

    private static String withContent(String content) {
        return SMALL.replace("\"hi\"", content);
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("model", SMALL.replace("\"claude-x\"", "42"), "model: Input should be a valid string"),
                Arguments.of("model", SMALL.replace("\"claude-x\"", "[\"a\"]"), "model: Input should be a valid string"),
                Arguments.of("model", SMALL.replace("\"claude-x\"", "\"\""), "model: must not be empty"),
                Arguments.of("max_tokens", SMALL.replace("16", "\"100\""), "max_tokens: Input should be a valid integer"),
                Arguments.of("max_tokens", SMALL.replace("16", "true"), "max_tokens: Input should be a valid integer"),
                Arguments.of("max_tokens", SMALL.replace("16", "{}"), "max_tokens: Input should be a valid integer"),
                Arguments.of("max_tokens", SMALL.replace("16", "-1"), "max_tokens: must be greater than or equal to 0"),
                Arguments.of("max_tokens", SMALL.replace("16", "-2147483649"),
                        "max_tokens: must be greater than or equal to -2147483648"),
                Arguments.of("max_tokens", SMALL.replace("16", "2147483648"),
                        "max_tokens: must be less than or equal to 2147483647"),
                Arguments.of("max_tokens", SMALL.replace("16", "1e30"),
                        "max_tokens: must be less than or equal to 2147483647"),
                Arguments.of("max_tokens", SMALL.replace("16", "10.5"),
                        "max_tokens: Input should be a valid integer, got a number with a fractional part"),
                Arguments.of("max_tokens", SMALL.replace("\"max_tokens\":16,", ""), "max_tokens: Field required"),
                Arguments.of("messages", SMALL.replace("[{\"role\":\"user\",\"content\":\"hi\"}]", "\"hi\""),
                        "messages: Input should be a valid list"),
                Arguments.of("messages", SMALL.replace("[{\"role\":\"user\",\"content\":\"hi\"}]", "{}"),
                        "messages: Input should be a valid list"),
                Arguments.of("messages.0", SMALL.replace("[{\"role\":\"user\",\"content\":\"hi\"}]", "[[]]"),
                        "messages.0: Input should be a valid dictionary"),
                Arguments.of("role", SMALL.replace("\"user\"", "7"), "messages.0.role: Input should be a valid string"),
                Arguments.of("role", SMALL.replace("\"user\"", "\"tool\""),
                        "messages.0.role: Input should be 'user', 'assistant' or 'system'"),
                Arguments.of("content", withContent("7"),
                        "messages.0.content: Input should be a valid string or list of content blocks"),
                Arguments.of("content", withContent("{\"type\":\"text\",\"text\":\"x\"}"),
                        "messages.0.content: Input should be a valid string or list of content blocks"),
                Arguments.of("content block", withContent("[\"x\"]"),
                        "messages.0.content.0: Input should be a valid dictionary"),
                Arguments.of("block type", withContent("[{\"type\":5,\"text\":\"x\"}]"),
                        "messages.0.content.0.type: Input should be a valid string"),
                Arguments.of("block type", withContent("[{\"text\":\"x\"}]"), "messages.0.content.0.type: Field required"),
                Arguments.of("text", withContent("[{\"type\":\"text\",\"text\":{}}]"),
                        "messages.0.content.0.text: Input should be a valid string"),
                Arguments.of("image source", withContent("[{\"type\":\"image\",\"source\":\"x\"}]"),
                        "messages.0.content.0.source: Input should be a valid dictionary"),
                Arguments.of("tool_result is_error", withContent("[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
                        + "\"is_error\":\"yes\"}]"), "messages.0.content.0.is_error: Input should be a valid boolean"),
                Arguments.of("tool_result content", withContent("[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
                        + "\"content\":5}]"), "messages.0.content.0.content: Input should be a valid string or list"),
                Arguments.of("tool_use input", withContent("[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\","
                        + "\"input\":\"{}\"}]"), "messages.0.content.0.input: Input should be a valid dictionary"),
                Arguments.of("tools", with("\"tools\":{},"), "tools: Input should be a valid list"),
                Arguments.of("tools.0", with("\"tools\":[\"Bash\"],"), "tools.0: Input should be a valid dictionary"),
                Arguments.of("tools.0.name", with("\"tools\":[{\"name\":1,\"input_schema\":{}}],"),
                        "tools.0.name: Input should be a valid string"),
                Arguments.of("tools.0.input_schema", with("\"tools\":[{\"name\":\"n\",\"input_schema\":[]}],"),
                        "tools.0.input_schema: Input should be a valid dictionary"),
                Arguments.of("tools.0.description", with("\"tools\":[{\"name\":\"n\",\"description\":[],"
                        + "\"input_schema\":{}}],"), "tools.0.description: Input should be a valid string"),
                Arguments.of("tools.0.defer_loading", with("\"tools\":[{\"name\":\"n\",\"input_schema\":{},"
                        + "\"defer_loading\":\"yes\"}],"), "tools.0.defer_loading: Input should be a valid boolean"),
                Arguments.of("tool_choice", with("\"tool_choice\":\"auto\","), "tool_choice: Input should be a valid dictionary"),
                Arguments.of("tool_choice.type", with("\"tool_choice\":{\"type\":\"sometimes\"},"),
                        "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"),
                Arguments.of("tool_choice.name", with("\"tool_choice\":{\"type\":\"tool\"},"), "tool_choice.name: Field required"),
                Arguments.of("tool_choice.disable_parallel_tool_use", with("\"tool_choice\":{\"type\":\"auto\","
                        + "\"disable_parallel_tool_use\":1},"),
                        "tool_choice.disable_parallel_tool_use: Input should be a valid boolean"),
                Arguments.of("system", with("\"system\":5,"), "system: Input should be a valid string or list of text blocks"),
                Arguments.of("system.0", with("\"system\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"u\"}}],"),
                        "system.0.type: Input should be 'text'"),
                Arguments.of("system.0.text", with("\"system\":[{\"type\":\"text\",\"text\":null}],"),
                        "system.0.text: Field required"),
                Arguments.of("stream", with("\"stream\":\"true\","), "stream: Input should be a valid boolean"),
                Arguments.of("stream", with("\"stream\":1,"), "stream: Input should be a valid boolean"),
                Arguments.of("temperature", with("\"temperature\":\"hot\","), "temperature: Input should be a valid number"),
                Arguments.of("top_p", with("\"top_p\":[],"), "top_p: Input should be a valid number"),
                Arguments.of("top_k", with("\"top_k\":\"5\","), "top_k: Input should be a valid integer"),
                Arguments.of("thinking", with("\"thinking\":true,"), "thinking: Input should be a valid dictionary"),
                Arguments.of("thinking.type", with("\"thinking\":{\"type\":1},"), "thinking.type: Input should be a valid string"),
                Arguments.of("thinking.budget_tokens", with("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"lots\"},"),
                        "thinking.budget_tokens: Input should be a valid integer"),
                Arguments.of("metadata", with("\"metadata\":\"user\","), "metadata: Input should be a valid dictionary"),
                Arguments.of("metadata.user_id", with("\"metadata\":{\"user_id\":42},"),
                        "metadata.user_id: Input should be a valid string"),
                Arguments.of("stop_sequences", with("\"stop_sequences\":\"END\","), "stop_sequences: Input should be a valid list"),
                Arguments.of("stop_sequences.1", with("\"stop_sequences\":[\"END\",null],"),
                        "stop_sequences.1: Input should be a valid string"),
                Arguments.of("output_config", with("\"output_config\":[],"), "output_config: Input should be a valid dictionary"),
                Arguments.of("output_config.effort", with("\"output_config\":{\"effort\":{}},"),
                        "output_config.effort: Input should be a valid string"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("wrongTypes")
    void wrongTypesAreInvalidRequestsNamingTheField(String field, String body, String message) throws Exception {
        assertThat(assertInvalid(http().post("/v1/messages", body))).startsWith(message);
        if (!message.startsWith("max_tokens: Field required")) {
            assertThat(assertInvalid(http().post("/v1/messages/count_tokens", body))).startsWith(message);
        }
        assertThat(upstream.requests("/v1/chat/completions")).isEmpty();
    }

    @Test
    void theGatewayStillServesAfterEveryWrongType() throws Exception {
        wrongTypes().forEach(arguments -> {
            try {
                http().post("/v1/messages", (String) arguments.get()[1]);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertStillServes();
    }

    // ---- max_tokens extremes that are valid -------------------------------------------------------------

    @ParameterizedTest(name = "max_tokens={0}")
    @ValueSource(strings = {"0", "1", "2147483647", "10.0", "1e3"})
    void validExtremeMaxTokensAreServedWithoutOverflow(String maxTokens) throws Exception {
        RawHttp.Response response = http().post("/v1/messages", SMALL.replace("16", maxTokens));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode sent = upstream.requests("/v1/chat/completions").getLast().json();
        long upstreamMax = sent.get("max_tokens").asLong();
        assertThat(upstreamMax).isBetween(1L, (long) Integer.MAX_VALUE);
    }

    @Test
    void hugeThinkingBudgetDoesNotOverflow() throws Exception {
        RawHttp.Response response = http().post("/v1/messages", SMALL.replace("16,",
                "2147483647,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2147483647},"));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    // ---- HTTP-level oddities -------------------------------------------------------------------------------

    @Test
    void emptyBodyIsAnInvalidRequest() throws Exception {
        assertInvalid(http().post("/v1/messages", ""), "request body is empty");
        assertInvalid(http().post("/v1/messages/count_tokens", ""), "request body is empty");
        assertInvalid(http().post("/v1/messages", "  \n "), "request body is empty");
        assertStillServes();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/octet-stream",
            "application/json; charset=utf-8", "APPLICATION/JSON"})
    void aJsonBodyIsReadWhateverItsContentType(String contentType) throws Exception {
        RawHttp.Response response = http().post("/v1/messages", SMALL, "content-type", contentType);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    @Test
    void getInsteadOfPostIsMethodNotAllowed() throws Exception {
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            RawHttp.Response response = http().get(path);
            assertError(response, 405, "invalid_request_error", "GET", path, "POST");
            assertThat(response.header("allow")).isEqualTo("POST");
        }
        assertStillServes();
    }

    // ---- size -------------------------------------------------------------------------------------------

    /** A valid request whose one text (words) makes it {@code size} bytes. */
    private static byte[] bodyOfSize(long size) {
        String head = "{\"model\":\"claude-x\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        byte[] body = new byte[(int) size];
        byte[] h = utf8(head);
        byte[] t = utf8(tail);
        System.arraycopy(h, 0, body, 0, h.length);
        byte[] words = utf8("lorem ipsum dolor sit amet ");
        for (int i = h.length; i < body.length - t.length; i++) {
            body[i] = words[i % words.length];
        }
        System.arraycopy(t, 0, body, body.length - t.length, t.length);
        return body;
    }

    @Test
    void aBodyOverTheLimitIsRequestTooLarge() throws Exception {
        byte[] body = bodyOfSize(GatewayServer.DEFAULT_MAX_BODY_BYTES + 1);

        assertError(http().post("/v1/messages", body), 413, "request_too_large", "limit", "bytes");
        assertError(http().post("/v1/messages/count_tokens", body), 413, "request_too_large");
        assertStillServes();
    }

    @Test
    void theBodyLimitIsConfigurable() throws Exception {
        GatewayConfig small = GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI).withModel("m")
                .withGuards(dev.anyclaude.config.Guards.DEFAULTS.withMaxBodyBytes(64 * 1024));
        try (GatewayUnderTest limited = GatewayUnderTest.start(small)) {
            RawHttp.Response response = limited.http().post("/v1/messages", bodyOfSize(64 * 1024 + 1));

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json().get("error").get("type").asString()).isEqualTo("request_too_large");
            assertThat(response.json().get("error").get("message").asString()).contains("65536");
        }
    }

    @Test
    void aBodyAtTheLimitIsServed() throws Exception {
        RawHttp.Response response = http().post("/v1/messages/count_tokens",
                bodyOfSize(GatewayServer.DEFAULT_MAX_BODY_BYTES));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    /** Raw HTTP/1.1 on a socket: what the JDK client will not send. Returns the response head and body. */
    private static String rawExchange(String head, byte[] body, long bodyRepeat) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            try {
                for (long i = 0; i < bodyRepeat; i++) {
                    out.write(body);
                }
                out.flush();
            } catch (SocketException closedByGateway) {
                // the gateway may stop reading once it has answered; its answer is still there to read
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    response.write(buffer, 0, n);
                    if (complete(response.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketException reset) {
                // a reset after the answer is fine; no answer at all fails below
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    /** A response with a content-length whose body is all there. */
    private static boolean complete(String response) {
        int end = response.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)")
                .matcher(response.substring(0, end));
        return length.find() && response.length() - end - 4 >= Integer.parseInt(length.group(1));
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutAtTheLimit() throws Exception {
        // 64 KB chunks, 40 MB in all, no content-length: the gateway must stop reading at the limit and answer
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.writeBytes(utf8(Integer.toHexString(chunk.length) + "\r\n"));
        framed.writeBytes(chunk);
        framed.writeBytes(utf8("\r\n"));
        String head = "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";

        String response = rawExchange(head, framed.toByteArray(), 40L * 1024 * 1024 / chunk.length);

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response).contains("\"request_too_large\"");
        assertStillServes();
    }

    @Test
    void aContentLengthOverTheLimitIsRefusedBeforeTheBody() throws Exception {
        String head = "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (GatewayServer.DEFAULT_MAX_BODY_BYTES * 4) + "\r\n\r\n";
        long start = System.nanoTime();

        String response = rawExchange(head, new byte[0], 0);

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response).contains("\"request_too_large\"");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertStillServes();
    }

    @Test
    void aClientStillSendingAnOversizedBodyGetsTheAnswerAndKeepsItsConnection() throws Exception {
        // The answer goes out as soon as the content-length shows the body is too large, while the client is
        // still sending it (a real client writes the whole body before it reads). Closing then, with the body
        // unread, makes the kernel reset the connection, and a client that is still writing loses the answer
        // (the JDK client saw "header parser received no bytes"): the gateway reads the rest and drops it.
        long limit = 64 * 1024;
        GatewayConfig small = GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI).withModel("m")
                .withGuards(dev.anyclaude.config.Guards.DEFAULTS.withMaxBodyBytes(limit));
        byte[] body = bodyOfSize(limit * 8);
        try (GatewayUnderTest limited = GatewayUnderTest.start(small);
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), limited.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(utf8("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n"));
            out.write(body, 0, 1024);
            out.flush();

            String refused = readResponse(in);
            out.write(body, 1024, body.length - 1024);
            out.write(utf8("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            out.flush();
            String next = readResponse(in);

            assertThat(refused).startsWith("HTTP/1.1 413").contains("\"request_too_large\"")
                    .doesNotContainIgnoringCase("connection: close");
            assertThat(next).startsWith("HTTP/1.1 200");
        }
    }

    /** One response with a content-length, read from {@code in} and no further. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        while (!complete(response.toString(StandardCharsets.ISO_8859_1))) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            response.write(b);
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    // ---- many blocks ------------------------------------------------------------------------------------

    private static ObjectNode base() {
        ObjectNode body = Json.object();
        body.put("model", "claude-x");
        body.put("max_tokens", 1024);
        return body;
    }

    /** Sends {@code body} to both endpoints and checks the answers and the time they took. */
    private static void assertServedQuickly(ObjectNode body, Duration bound) throws Exception {
        byte[] bytes = Json.bytes(body);
        long start = System.nanoTime();
        RawHttp.Response count = http().post("/v1/messages/count_tokens", bytes);
        Duration countTime = Duration.ofNanos(System.nanoTime() - start);
        assertThat(count.status()).as(count.text()).isEqualTo(200);
        assertThat(count.json().get("input_tokens").asLong()).isPositive();

        start = System.nanoTime();
        RawHttp.Response response = http().post("/v1/messages", bytes);
        Duration messageTime = Duration.ofNanos(System.nanoTime() - start);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(countTime).as("count_tokens time").isLessThan(bound);
        assertThat(messageTime).as("messages time").isLessThan(bound);
    }

    @Test
    void tenThousandMessages() throws Exception {
        ObjectNode body = base();
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < 10_000; i++) {
            ObjectNode message = messages.addObject();
            message.put("role", i % 2 == 0 ? "user" : "assistant");
            message.put("content", "message number " + i);
        }
        assertServedQuickly(body, Duration.ofSeconds(15));
        JsonNode sent = upstream.requests("/v1/chat/completions").getLast().json();
        assertThat(sent.get("messages").size()).isEqualTo(10_000);
    }

    @Test
    void fiftyThousandContentBlocks() throws Exception {
        ObjectNode body = base();
        ArrayNode messages = body.putArray("messages");
        // one user message with 25 000 text blocks, then a tool loop with 25 000 blocks in all
        ArrayNode first = messages.addObject().put("role", "user").putArray("content");
        for (int i = 0; i < 25_000; i++) {
            first.addObject().put("type", "text").put("text", "block " + i);
        }
        for (int turn = 0; turn < 50; turn++) {
            ArrayNode calls = messages.addObject().put("role", "assistant").putArray("content");
            ArrayNode results = messages.addObject().put("role", "user").putArray("content");
            for (int k = 0; k < 250; k++) {
                String id = "toolu_" + turn + "_" + k;
                ObjectNode call = calls.addObject().put("type", "tool_use").put("id", id).put("name", "Read");
                call.putObject("input").put("file_path", "/tmp/f" + k);
                results.addObject().put("type", "tool_result").put("tool_use_id", id).put("content", "line " + k);
            }
        }
        assertServedQuickly(body, Duration.ofSeconds(15));
        JsonNode sent = upstream.requests("/v1/chat/completions").getLast().json();
        assertThat(sent.get("messages").get(0).get("content").size()).isEqualTo(25_000);
    }

    @Test
    void twoThousandTools() throws Exception {
        ObjectNode body = base();
        body.putArray("messages").addObject().put("role", "user").put("content", "pick one");
        ArrayNode tools = body.putArray("tools");
        for (int i = 0; i < 2_000; i++) {
            ObjectNode tool = tools.addObject().put("name", "tool_" + i).put("description", "Tool number " + i);
            ObjectNode schema = tool.putObject("input_schema").put("type", "object");
            schema.putObject("properties").putObject("arg").put("type", "string");
        }
        body.putObject("tool_choice").put("type", "tool").put("name", "tool_1999");
        assertServedQuickly(body, Duration.ofSeconds(15));
        JsonNode sent = upstream.requests("/v1/chat/completions").getLast().json();
        assertThat(sent.get("tools").size()).isEqualTo(2_000);
    }

    @Test
    void oneHugeTextIsServed() throws Exception {
        ObjectNode body = base();
        body.putArray("messages").addObject().put("role", "user").put("content", "word ".repeat(2_000_000));
        assertServedQuickly(body, Duration.ofSeconds(20));
    }

    @Test
    void manySystemMessagesInTheConversation() throws Exception {
        ObjectNode body = base();
        ArrayNode messages = body.putArray("messages");
        List<String> roles = new ArrayList<>(List.of("user", "system", "assistant", "system"));
        for (int i = 0; i < 8_000; i++) {
            messages.addObject().put("role", roles.get(i % roles.size())).put("content", "m" + i);
        }
        assertServedQuickly(body, Duration.ofSeconds(15));
    }
}
