package dev.anyclaude.contract;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.testing.Started;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Framing;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.LogCapture;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import dev.anyclaude.testing.Sse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstreams that answer with garbage instead of a chat completion: HTML pages, JSON that is no completion,
 * broken or endless SSE lines, invalid UTF-8, endless headers, lying content-lengths. For each, with a
 * streaming and a non-streaming client, the client gets a valid Anthropic stream that ends or an Anthropic
 * error whose message says what the upstream did wrong; the gateway logs the reason at WARN, lets go of the
 * upstream connection it gave up on, and serves the next request normally.
 */
class UpstreamGarbageContractTest {

    private static final String MODEL = "claude-sonnet-test";
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String HTML = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
            + "<center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>";
    private static final String WEB_UI = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title>Open WebUI</title><script>window.app = {}</script></head><body><div id=\"app\"></div></body></html>";

    private final Started started = new Started();
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.start();
        started.add(log);
    }

    @AfterEach
    void stopAll() {
        started.close();
    }

    private FakeUpstream upstream(Function<RecordedRequest, Reply> handler) {
        FakeUpstream fake = FakeUpstream.start(handler);
        started.add(fake);
        return fake;
    }

    private GatewayUnderTest openAi(FakeUpstream fake) {
        return gateway(GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI).withModel("m"));
    }

    private GatewayUnderTest anthropicDecoding(FakeUpstream fake) {
        return gateway(GatewayConfig.of(fake.baseUrl(), Protocol.ANTHROPIC).withRelay(false));
    }

    private GatewayUnderTest gateway(GatewayConfig config) {
        // each case checks what one broken answer becomes: no retries, no breaker between cases
        GatewayUnderTest gateway = GatewayUnderTest.start(config.withResilience(Resilience.NONE));
        started.add(gateway);
        return gateway;
    }

    private static String body(boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", MODEL);
        body.put("max_tokens", 512);
        body.put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "Say hello.");
        return Json.string(body);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static OpenAiSse hello() {
        return OpenAiSse.chat("m").role().text("Hello", " there").finish("stop").usage(9, 2, 0).done();
    }

    // ---- what the client must see -----------------------------------------------------------------------

    /** The error the client got, as an HTTP error or as the error event that ended a valid stream. */
    private record Failure(int status, String type, String message) {
    }

    private static Failure failure(RawHttp.Response response, boolean stream) {
        HostileInputContractTest.assertNoInternals(response.text());
        if (response.status() == 200) {
            assertThat(stream).as("a non-streaming request must not get a 200 here: " + response.text()).isTrue();
            assertThat(response.isEventStream()).as(response.text()).isTrue();
            Sse.Result result = response.stream().assertValid();
            assertThat(result.errored()).as("the stream must end with an error event:\n" + result.transcript()).isTrue();
            JsonNode error = result.named("error").getLast().json().get("error");
            return new Failure(200, error.get("type").asString(), error.get("message").asString());
        }
        JsonNode json = response.json();
        assertThat(json.get("type").asString()).isEqualTo("error");
        return new Failure(response.status(), json.get("error").get("type").asString(),
                json.get("error").get("message").asString());
    }

    /** A server-side (retryable) failure whose message contains every fragment. */
    private static Failure assertUpstreamFault(RawHttp.Response response, boolean stream, String... fragments) {
        Failure failure = failure(response, stream);
        assertThat(failure.type()).as(failure.toString()).isIn("api_error", "overloaded_error", "timeout_error");
        if (failure.status() != 200) {
            assertThat(failure.status()).as(failure.toString()).isGreaterThanOrEqualTo(500);
        }
        for (String fragment : fragments) {
            assertThat(failure.message()).as(failure.toString()).containsIgnoringCase(fragment);
        }
        return failure;
    }

    private void assertWarned(String fragment) {
        assertThat(log.warnings()).as("WARN lines").anySatisfy(line -> assertThat(line).containsIgnoringCase(fragment));
    }

    /** The same gateway answers a normal request right after (the fake is switched to a good answer). */
    private static void assertStillServes(GatewayUnderTest gateway, FakeUpstream fake, Reply good) throws Exception {
        fake.handler(r -> good);
        for (boolean stream : new boolean[]{true, false}) {
            RawHttp.Response response = gateway.http().post("/v1/messages", body(stream));
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            if (stream) {
                assertThat(response.stream().stopReason()).isEqualTo("end_turn");
            } else {
                assertThat(response.json().get("content").get(0).get("text").asString()).isEqualTo("Hello there");
            }
        }
    }

    private static void assertStillServes(GatewayUnderTest gateway, FakeUpstream fake) throws Exception {
        assertStillServes(gateway, fake, hello().reply());
    }

    private static Reply anthropicHello() {
        return Reply.sse(AnthropicSse.message(MODEL).text("Hello", " there").end("end_turn", 2).bytes());
    }

    private static RawHttp.Response timed(GatewayUnderTest gateway, boolean stream) throws Exception {
        long start = System.nanoTime();
        RawHttp.Response response = gateway.http().post("/v1/messages", body(stream));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answer time").isLessThan(BOUND);
        return response;
    }

    // ---- HTML ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void anHtmlErrorPageWith502IsOverloadedWithThePageText(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.of(502, "text/html", utf8(HTML)));
        GatewayUnderTest gateway = openAi(fake);

        Failure failure = assertUpstreamFault(timed(gateway, stream), stream, "HTTP 502", "502 Bad Gateway", "nginx");

        assertThat(failure.status()).isEqualTo(529);
        assertThat(failure.message()).doesNotContain("<");
        assertWarned("HTTP 502");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void anHtmlPageWith200IsNotAnEventStream(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/html; charset=utf-8", utf8(WEB_UI)));
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "text/html", "Open WebUI");

        assertWarned("text/html");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void anHtmlPageLabelledAsAnEventStreamSaysWhatCame(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.sse(utf8(HTML + "\n")));
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "<!DOCTYPE html>");

        assertWarned("<!DOCTYPE html>");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void anHtmlPageWith200FromAnAnthropicUpstream(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/html", utf8(WEB_UI)));
        GatewayUnderTest gateway = anthropicDecoding(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "text/html", "Open WebUI");

        assertWarned("text/html");
        assertStillServes(gateway, fake, anthropicHello());
    }

    // ---- JSON that is no completion ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"status\":\"ok\"}", "[]", "\"hello\"", "{\"choices\":\"none\"}", "{\"choices\":[]}",
            "{\"choices\":[{\"index\":0,\"message\":\"hi\"}]}", "{\"object\":\"list\",\"data\":[]}"})
    void jsonThatIsNoCompletionSaysSo(String json) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.json(200, json));
        GatewayUnderTest gateway = openAi(fake);

        for (boolean stream : new boolean[]{true, false}) {
            Failure failure = assertUpstreamFault(timed(gateway, stream), stream, "completion");
            assertThat(failure.message()).doesNotContain("Exception");
        }
        assertWarned("completion");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"status\":\"ok\"}", "[1,2]", "{\"type\":\"message\",\"content\":\"x\"}"})
    void jsonThatIsNoMessageFromAnAnthropicUpstreamSaysSo(String json) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.json(200, json));
        GatewayUnderTest gateway = anthropicDecoding(fake);

        for (boolean stream : new boolean[]{true, false}) {
            assertUpstreamFault(timed(gateway, stream), stream, "upstream");
        }
        assertStillServes(gateway, fake, anthropicHello());
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void aJsonBodyThatIsNotJsonSaysSo(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.json(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":"));
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "not valid JSON");

        assertWarned("not valid JSON");
        assertStillServes(gateway, fake);
    }

    // ---- broken event streams ------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void textThatIsNotJsonInADataLineIsSkippedWithAWarning(boolean stream) throws Exception {
        byte[] bytes = OpenAiSse.chat("m").role().text("Hello").raw("data: keep-alive").raw("data: <b>busy</b>")
                .text(" there").finish("stop").usage(9, 2, 0).done().bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(Chunking.random(3, 11)));
        GatewayUnderTest gateway = openAi(fake);

        RawHttp.Response response = timed(gateway, stream);

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        if (stream) {
            assertThat(response.stream().stopReason()).isEqualTo("end_turn");
        } else {
            assertThat(response.json().get("content").get(0).get("text").asString()).isEqualTo("Hello there");
        }
        assertWarned("keep-alive");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void truncatedJsonInADataLineFailsTheStream(boolean stream) throws Exception {
        byte[] bytes = OpenAiSse.chat("m").role().text("Hello")
                .raw("data: {\"id\":\"chatcmpl-fake0001\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the")
                .text("re").finish("stop").usage(9, 2, 0).done().bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes));
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "malformed chunk", "\"content\":\" the");

        assertWarned("malformed chunk");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void garbageDataLinesFromAnAnthropicUpstreamFailTheStream(boolean stream) throws Exception {
        byte[] good = AnthropicSse.message(MODEL).text("Hello", " there").end("end_turn", 2).bytes();
        String text = new String(good, StandardCharsets.UTF_8);
        int cut = text.indexOf("event: content_block_delta");
        byte[] bytes = utf8(text.substring(0, cut) + "event: content_block_delta\ndata: {\"type\":\"content_block_de\n\n"
                + text.substring(cut));
        FakeUpstream fake = upstream(r -> Reply.sse(bytes));
        GatewayUnderTest gateway = anthropicDecoding(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "content_block_de");

        assertStillServes(gateway, fake, anthropicHello());
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void invalidUtf8InAChunkBecomesReplacementCharacters(boolean stream) throws Exception {
        byte[] good = OpenAiSse.chat("m").role().text("caf@").finish("stop").usage(9, 2, 0).done().bytes();
        String text = new String(good, StandardCharsets.UTF_8);
        int at = text.indexOf("caf@") + 3;
        byte[] bytes = concat(utf8(text.substring(0, at)), new byte[]{(byte) 0xC3, 0x28, (byte) 0xFF},
                utf8(text.substring(at + 1)));
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(Chunking.oneByte()));
        GatewayUnderTest gateway = openAi(fake);

        RawHttp.Response response = timed(gateway, stream);

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        String answer = stream
                ? response.stream().named("content_block_delta").getFirst().json().get("delta").get("text").asString()
                : response.json().get("content").get(0).get("text").asString();
        assertThat(answer).startsWith("caf\uFFFD").endsWith("\uFFFD");
        assertWarned("UTF-8");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void aTwoHundredWithAnEmptyBodySaysSo(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/event-stream", new byte[0]));
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "empty");
        fake.handler(r -> Reply.sse(new byte[0]));
        assertUpstreamFault(timed(gateway, stream), stream, "empty");
        fake.handler(r -> Reply.of(200, "application/json", new byte[0]));
        assertUpstreamFault(timed(gateway, stream), stream, "empty");

        assertWarned("empty");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void anEmptyBodyFromAnAnthropicUpstreamSaysSo(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/event-stream", new byte[0]));
        GatewayUnderTest gateway = anthropicDecoding(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "empty");

        assertStillServes(gateway, fake, anthropicHello());
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void doneAloneSaysTheUpstreamSentNothing(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> OpenAiSse.chat("m").done().reply());
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "[DONE]", "without");

        assertWarned("[DONE]");
        assertStillServes(gateway, fake);
    }

    // ---- HTTP itself broken --------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void endlessResponseHeadersAreGivenUpOnQuickly(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> hello().reply().withEndlessHeaders());
        GatewayUnderTest gateway = openAi(fake);

        Failure failure = assertUpstreamFault(timed(gateway, stream), stream, "header");

        assertThat(failure.status()).isGreaterThanOrEqualTo(500);
        fake.awaitOpenConnectionsAtMost(0, BOUND);
        assertWarned("header");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void endlessResponseHeadersFromAnAnthropicUpstream(boolean stream) throws Exception {
        FakeUpstream fake = upstream(r -> anthropicHello().withEndlessHeaders());
        GatewayUnderTest gateway = anthropicDecoding(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "header");

        fake.awaitOpenConnectionsAtMost(0, BOUND);
        assertStillServes(gateway, fake, anthropicHello());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chunked", "close-delimited"})
    void anEndlessSseLineIsCutOffWithAClearError(String framing) throws Exception {
        byte[] start = utf8(new String(OpenAiSse.chat("m").role().text("Hello").bytes(), StandardCharsets.UTF_8)
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
        FakeUpstream fake = upstream(r -> Reply.sse(start).withEndlessBody()
                .withFraming(framing.equals("chunked") ? Framing.CHUNKED : Framing.CLOSE_DELIMITED));
        GatewayUnderTest gateway = openAi(fake);

        for (boolean stream : new boolean[]{true, false}) {
            assertUpstreamFault(timed(gateway, stream), stream, "line", "MB");
            fake.awaitOpenConnectionsAtMost(0, BOUND);
        }
        assertWarned("line");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void anEndlessSseLineFromAnAnthropicUpstreamIsCutOff(boolean stream) throws Exception {
        byte[] start = utf8("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"");
        FakeUpstream fake = upstream(r -> Reply.sse(start).withEndlessBody());
        GatewayUnderTest gateway = anthropicDecoding(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "line");

        fake.awaitOpenConnectionsAtMost(0, BOUND);
        assertStillServes(gateway, fake, anthropicHello());
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void aContentLengthShorterThanTheBody(boolean stream) throws Exception {
        byte[] bytes = hello().bytes();
        int cut = new String(bytes, StandardCharsets.UTF_8).indexOf("\" there\"");
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/event-stream", bytes).withDeclaredLength(cut));
        GatewayUnderTest gateway = openAi(fake);

        // the body stops where the length says: in the middle of a chunk, with no finish
        assertUpstreamFault(timed(gateway, stream), stream, "upstream");

        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void aContentLengthLongerThanTheBody(boolean stream) throws Exception {
        byte[] bytes = OpenAiSse.chat("m").role().text("Hello").bytes();
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/event-stream", bytes).withDeclaredLength(bytes.length + 500));
        GatewayUnderTest gateway = openAi(fake);

        assertUpstreamFault(timed(gateway, stream), stream, "upstream");

        fake.awaitOpenConnectionsAtMost(0, BOUND);
        assertWarned("upstream");
        assertStillServes(gateway, fake);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void aCompleteAnswerWithAContentLengthLongerThanTheBodyStillArrives(boolean stream) throws Exception {
        byte[] bytes = hello().bytes();
        FakeUpstream fake = upstream(r -> Reply.of(200, "text/event-stream", bytes).withDeclaredLength(bytes.length + 500));
        GatewayUnderTest gateway = openAi(fake);

        // [DONE] arrived: the answer is whole, whatever the connection does after it
        RawHttp.Response response = timed(gateway, stream);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        fake.awaitOpenConnectionsAtMost(0, BOUND);
        assertStillServes(gateway, fake);
    }
}
