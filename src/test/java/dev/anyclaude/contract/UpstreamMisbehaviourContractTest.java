package dev.anyclaude.contract;

import dev.anyclaude.testing.Started;
import dev.anyclaude.testing.Ports;
import com.anthropic.models.messages.Message;
import dev.anyclaude.api.Json;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.contract.ContractSupport.Mode;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Framing;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import dev.anyclaude.testing.Sse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static dev.anyclaude.contract.ContractSupport.input;
import static dev.anyclaude.contract.ContractSupport.request;
import static dev.anyclaude.contract.ContractSupport.send;
import static dev.anyclaude.contract.ContractSupport.texts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 2 of the architecture: whatever the upstream does — dies mid-body, closes early, never answers,
 * stalls — the client gets a valid event stream or a clear Anthropic error in bounded time, and the gateway
 * lets go of upstream requests nobody is waiting for any more.
 */
class UpstreamMisbehaviourContractTest {

    private static final String MODEL = "claude-sonnet-test";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final Started started = new Started();

    @AfterEach
    void stopAll() {
        started.close();
    }

    private FakeUpstream upstream(Function<RecordedRequest, Reply> handler) {
        FakeUpstream fake = FakeUpstream.start(handler);
        started.add(fake);
        return fake;
    }

    private GatewayUnderTest openAiGateway(FakeUpstream fake) {
        return gateway(GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI).withModel("m"));
    }

    private GatewayUnderTest gateway(GatewayConfig config) {
        GatewayUnderTest gateway = GatewayUnderTest.start(config);
        started.add(() -> {
            gateway.streams().assertAllValid();
            gateway.close();
        });
        return gateway;
    }

    private static String body(boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", MODEL);
        body.put("max_tokens", 512);
        body.put("stream", stream);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "Tell me a long story.");
        return Json.string(body);
    }

    private static OpenAiSse longAnswer() {
        OpenAiSse sse = OpenAiSse.chat("m").role();
        for (int i = 0; i < 40; i++) {
            sse.text("word" + i + " ");
        }
        return sse;
    }

    /** Either a 5xx/529 Anthropic error before the stream, or a 200 whose valid stream ends with an error event. */
    private static void assertFailedCleanly(RawHttp.Response response) {
        if (response.status() == 200) {
            assertThat(response.isEventStream()).as(response.text()).isTrue();
            assertThat(response.stream().errored()).as("the stream must end with an error event:\n"
                    + response.stream().transcript()).isTrue();
        } else {
            assertThat(response.status()).as(response.text()).isGreaterThanOrEqualTo(500);
            JsonNode json = response.json();
            assertThat(json.get("type").asString()).isEqualTo("error");
            assertThat(json.get("error").get("type").asString()).isIn("api_error", "overloaded_error", "timeout_error");
        }
    }

    // --- dying upstreams -----------------------------------------------------------------------------

    static List<Chunking> chunkings() {
        return Chunking.standard();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    void resetInTheMiddleOfAnOpenAiStreamEndsCleanly(Chunking chunking) throws Exception {
        byte[] bytes = longAnswer().bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(chunking).withResetAt(bytes.length * 6 / 10));
        GatewayUnderTest gateway = openAiGateway(fake);

        assertFailedCleanly(gateway.http().post("/v1/messages", body(true)));
        assertFailedCleanly(gateway.http().post("/v1/messages", body(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    void resetInTheMiddleOfAnAnthropicStreamEndsCleanly(Chunking chunking) throws Exception {
        byte[] bytes = AnthropicSse.message(MODEL).text("Once ", "upon ", "a ", "time ", "there ", "was ")
                .end("end_turn", 9).bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(chunking).withResetAt(bytes.length * 6 / 10));
        GatewayUnderTest gateway = gateway(GatewayConfig.of(fake.baseUrl(), Protocol.ANTHROPIC).withRelay(false));

        assertFailedCleanly(gateway.http().post("/v1/messages", body(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    void endOfStreamWithoutFinishReasonEndsCleanly(Chunking chunking) throws Exception {
        byte[] bytes = longAnswer().bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(chunking).withFraming(Framing.CLOSE_DELIMITED));
        GatewayUnderTest gateway = openAiGateway(fake);

        assertFailedCleanly(gateway.http().post("/v1/messages", body(true)));
        assertFailedCleanly(gateway.http().post("/v1/messages", body(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    void endOfStreamAfterFinishReasonWithoutDoneIsANormalEnd(Chunking chunking) throws Exception {
        byte[] bytes = OpenAiSse.chat("m").role().text("Hi ", "there").finish("stop").usage(9, 2, 0).bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(chunking).withFraming(Framing.CLOSE_DELIMITED));
        GatewayUnderTest gateway = openAiGateway(fake);

        RawHttp.Response response = gateway.http().post("/v1/messages", body(true));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.stream().stopReason()).isEqualTo("end_turn");
    }

    @Test
    void headersWithoutABodyEndCleanly() throws Exception {
        FakeUpstream fake = upstream(r -> longAnswer().reply().withCloseWithoutBody());
        GatewayUnderTest gateway = openAiGateway(fake);

        assertFailedCleanly(gateway.http().post("/v1/messages", body(true)));
        assertFailedCleanly(gateway.http().post("/v1/messages", body(false)));
    }

    @Test
    void aConnectionClosedWithoutAnswerIsAServerError() throws Exception {
        FakeUpstream fake = upstream(r -> Reply.dropConnectionReply());
        GatewayUnderTest gateway = openAiGateway(fake);

        for (boolean stream : new boolean[]{true, false}) {
            RawHttp.Response response = gateway.http().post("/v1/messages", body(stream));
            assertThat(response.status()).as(response.text()).isIn(500, 502, 529);
            assertThat(response.json().get("error").get("type").asString()).isIn("api_error", "overloaded_error");
        }
    }

    @Test
    void anUpstreamThatIsNotListeningIsOverloaded() throws Exception {
        int closedPort = Ports.free();
        GatewayUnderTest gateway = gateway(GatewayConfig.of("http://127.0.0.1:" + closedPort + "/v1", Protocol.OPENAI));

        RawHttp.Response response = gateway.http().post("/v1/messages", body(true));

        assertThat(response.status()).as(response.text()).isEqualTo(529);
        assertThat(response.json().get("error").get("type").asString()).isEqualTo("overloaded_error");
    }

    // --- slow and silent upstreams -------------------------------------------------------------------

    @Test
    void noResponseHeadersWithinTheHeadersTimeoutIsATimeoutError() throws Exception {
        Gate never = new Gate();
        FakeUpstream fake = upstream(r -> longAnswer().reply().withStallBeforeHeaders(never));
        GatewayConfig base = GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI);
        // the stream would start (and pings flow) only after 30 s of waiting: the timeout comes first
        GatewayUnderTest gateway = gateway(new GatewayConfig(base.host(), 0, base.baseUrl(), base.protocol(), null, null,
                null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(1), null)
                .withDeadlines(Deadlines.DEFAULTS.withCommitAfter(Duration.ofSeconds(30))));
        try {
            long start = System.nanoTime();
            RawHttp.Response response = gateway.http().post("/v1/messages", body(true));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
            assertThat(response.status()).as(response.text()).isEqualTo(504);
            assertThat(response.json().get("error").get("type").asString()).isEqualTo("timeout_error");
        } finally {
            never.release();
        }
    }

    @Test
    void aStreamStartedWhileWaitingForHeadersEndsWithATimeoutErrorEvent() throws Exception {
        Gate never = new Gate();
        FakeUpstream fake = upstream(r -> longAnswer().reply().withStallBeforeHeaders(never));
        GatewayConfig base = GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI);
        GatewayUnderTest gateway = gateway(new GatewayConfig(base.host(), 0, base.baseUrl(), base.protocol(), null, null,
                null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(100))
                .withDeadlines(Deadlines.DEFAULTS.withCommitAfter(Duration.ofMillis(200))));
        try {
            RawHttp.Response response = gateway.http().post("/v1/messages", body(true));

            assertThat(response.status()).isEqualTo(200);
            Sse.Result result = Sse.validate(response.body());
            List<Sse.Event> events = result.events();
            assertThat(events.getFirst().name()).isEqualTo("message_start");
            assertThat(events).extracting(Sse.Event::name).contains("ping");
            assertThat(result.errored()).isTrue();
            assertThat(events.getLast().json().get("error").get("type").asString()).isEqualTo("timeout_error");
            assertThat(events.getLast().json().get("error").get("message").asString()).contains("response headers");
        } finally {
            never.release();
        }
    }

    @Test
    void aStreamThatStallsAndResumesCompletes() throws Exception {
        Gate gate = new Gate();
        byte[] bytes = longAnswer().finish("stop").usage(10, 40, 0).done().bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withChunking(Chunking.random(8, 40)).withStallAt(bytes.length / 2, gate));
        GatewayUnderTest gateway = openAiGateway(fake);

        CompletableFuture<RawHttp.Response> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return gateway.http().post("/v1/messages", body(true));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(gate.awaitReached(BOUND)).isTrue();
        assertThat(pending).isNotDone();
        gate.release();

        RawHttp.Response response = pending.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.stream().stopReason()).isEqualTo("end_turn");
        StringBuilder text = new StringBuilder();
        response.stream().named("content_block_delta").forEach(e -> text.append(e.json().get("delta").get("text").asString()));
        assertThat(text.toString()).startsWith("word0 word1 ").endsWith("word39 ");
    }

    // --- letting go of the upstream ------------------------------------------------------------------

    /** Sends a streaming request on a raw socket, reads until {@code marker} arrives, then hangs up. */
    private static void readUntilThenHangUp(int port, String marker) throws IOException {
        byte[] payload = body(true).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new AssertionError("response ended before '" + marker + "': " + seen.toString(StandardCharsets.UTF_8));
                }
                seen.write(buffer, 0, n);
            }
        }
    }

    @Test
    void aClientThatHangsUpGetsTheUpstreamRequestCancelledOnceMoreArrives() throws Exception {
        Gate gate = new Gate();
        OpenAiSse first = OpenAiSse.chat("m").role().text("FIRST-WORDS ");
        int firstLength = first.bytes().length;
        OpenAiSse sse = OpenAiSse.chat("m").role().text("FIRST-WORDS ");
        for (int i = 0; i < 200; i++) {
            sse.text("more" + i + " ");
        }
        byte[] bytes = sse.bytes();
        // after the rest, the upstream keeps the response open: only a cancelled request frees the connection
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withStallAt(firstLength, gate).withHoldAt(bytes.length));
        GatewayUnderTest gateway = openAiGateway(fake);

        readUntilThenHangUp(gateway.port(), "FIRST-WORDS");
        gate.release();

        fake.awaitOpenConnectionsAtMost(0, BOUND);
    }

    @Test
    void aClientThatHangsUpWhileTheUpstreamIsSilentGetsTheUpstreamRequestCancelled() throws Exception {
        OpenAiSse first = OpenAiSse.chat("m").role().text("FIRST-WORDS ");
        byte[] bytes = first.bytes();
        FakeUpstream fake = upstream(r -> Reply.sse(bytes).withHoldAt(bytes.length));
        GatewayUnderTest gateway = gateway(GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI)
                .withPingInterval(Duration.ofMillis(200)));

        readUntilThenHangUp(gateway.port(), "FIRST-WORDS");

        // The gateway learns of the hang-up from failed keep-alive pings (the first write after the peer
        // closed still succeeds, the second fails): with 200 ms pings that is well within a second or two.
        fake.awaitOpenConnectionsAtMost(0, Duration.ofSeconds(3));
    }

    @Test
    void closingTheGatewayReleasesItsUpstreamConnections() throws Exception {
        FakeUpstream fake = upstream(r -> OpenAiSse.chat("m").role().text("Hi").finish("stop").usage(5, 1, 0).done().reply());
        GatewayUnderTest gateway = GatewayUnderTest.start(GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI));
        try {
            send(gateway.sdk(), Mode.STREAMING, request(MODEL));
        } finally {
            gateway.close();
        }

        fake.awaitOpenConnectionsAtMost(0, BOUND);
    }

    // --- load and odd content ------------------------------------------------------------------------

    @Test
    void concurrentStreamsStayValidAndSeparate() throws Exception {
        FakeUpstream fake = upstream(r -> {
            String tag = r.json().get("messages").get(0).get("content").asString().replace("Say ", "");
            return OpenAiSse.chat("m").role().text("answer-", tag, "-done").finish("stop").usage(5, 3, 0).done().reply()
                    .withChunking(Chunking.random(r.sequence(), 5));
        });
        GatewayUnderTest gateway = openAiGateway(fake);
        int clients = 12;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Message>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String prompt = "Say t" + i;
                Mode mode = i % 2 == 0 ? Mode.STREAMING : Mode.NON_STREAMING;
                answers.add(pool.submit(() -> send(gateway.sdk(), mode,
                        com.anthropic.models.messages.MessageCreateParams.builder().model(MODEL).maxTokens(64)
                                .addUserMessage(prompt).build())));
            }
            for (int i = 0; i < clients; i++) {
                assertThat(texts(answers.get(i).get(BOUND.toSeconds(), TimeUnit.SECONDS))).containsExactly("answer-t" + i + "-done");
            }
        }
        assertThat(gateway.streams().streams()).hasSize(clients / 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modes")
    void truncatedToolArgumentsNeverReachTheClientAsInvalidJson(Mode mode) {
        FakeUpstream fake = upstream(r -> OpenAiSse.chat("m").role()
                .toolCall(0, "call_cut", "get_weather", "{\"city\": \"Par").finish("length").usage(5, 3, 0).done().reply());
        GatewayUnderTest gateway = openAiGateway(fake);

        Message message = send(gateway.sdk(), mode, request(MODEL));

        message.content().stream().filter(b -> b.isToolUse()).forEach(b -> assertThat(input(b)).isInstanceOf(Map.class));
        assertThat(message.stopReason()).isPresent();
    }
}
