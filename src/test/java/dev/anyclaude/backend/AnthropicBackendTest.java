package dev.anyclaude.backend;

import dev.anyclaude.testing.Ports;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.stream.ModelEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static dev.anyclaude.backend.AnthropicEventDecoderTest.TOOL_FRAGMENTED;
import static dev.anyclaude.backend.AnthropicEventDecoderTest.TEXT;
import static dev.anyclaude.backend.AnthropicEventDecoderTest.j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicBackendTest {

    private static final String CLIENT_BODY = j("{'model':'claude-sonnet-4-5','max_tokens':1024,'stream':false,"
            + "'system':[{'type':'text','text':'Be brief.','cache_control':{'type':'ephemeral'}}],"
            + "'messages':[{'role':'user','content':'Weather in Paris?'}],'temperature':0.5,"
            + "'context_management':{'edits':[]},'metadata':{'user_id':'u1'}}");
    private static final String CLIENT_STREAM_BODY = CLIENT_BODY.replace("\"stream\":false", "\"stream\":true");

    private static UpstreamHttp http;
    private FakeAnthropic upstream;

    @BeforeAll
    static void client() {
        http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @AfterAll
    static void noClient() {
        http.close();
    }

    @BeforeEach
    void start() throws IOException {
        upstream = new FakeAnthropic();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    // ---------------------------------------------------------------- relay mode

    @Test
    void relayReturnsTheExactUpstreamBytesAndTheUsefulHeaders() throws Exception {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "text/event-stream; charset=utf-8",
                "request-id", "req_011abc", "anthropic-ratelimit-tokens-remaining", "99000",
                "x-internal-trace", "secret"), TEXT));
        AnthropicBackend backend = backend(true, null, Map.of());

        UpstreamReply.Relay relay = (UpstreamReply.Relay) backend.send(call(CLIENT_STREAM_BODY, "claude-sonnet-4-5",
                clientHeaders()));

        assertThat(relay.status()).isEqualTo(200);
        assertThat(drain(relay)).isEqualTo(AnthropicEventDecoderTest.bytes(TEXT));
        assertThat(relay.headers()).containsEntry("request-id", List.of("req_011abc"))
                .containsEntry("anthropic-ratelimit-tokens-remaining", List.of("99000"))
                .containsEntry("content-type", List.of("text/event-stream; charset=utf-8"))
                .doesNotContainKeys("x-internal-trace", "transfer-encoding", "date");
        AnthropicRelayTap tap = (AnthropicRelayTap) relay.tap();
        assertThat(tap.inputTokens()).isEqualTo(12);
        assertThat(tap.outputTokens()).isEqualTo(7);
        assertThat(tap.cacheReadTokens()).isZero();
        assertThat(tap.stopReason()).isEqualTo("end_turn");
        relay.close();
        relay.close(); // idempotent
    }

    @Test
    void relayForwardsVersionBetasAndTheClientsOwnCredentials() throws Exception {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), "{}"));
        AnthropicBackend backend = backend(true, null, Map.of());

        drain((UpstreamReply.Relay) backend.send(call(CLIENT_BODY, "claude-sonnet-4-5", clientHeaders())));

        Recorded request = upstream.next();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/messages");
        Headers h = request.headers();
        assertThat(h.getFirst("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(h.getFirst("anthropic-beta")).isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
        assertThat(h.getFirst("x-api-key")).isEqualTo("sk-ant-client");
        assertThat(h.getFirst("authorization")).isEqualTo("Bearer client-token");
        assertThat(h.getFirst("x-claude-code-session-id")).isEqualTo("5f1c8a52-0000-4000-8000-000000000001");
        assertThat(h.getFirst("user-agent")).isEqualTo("claude-cli/2.1.328 (external, cli)");
        assertThat(h.getFirst("x-app")).isEqualTo("cli");
        assertThat(h.getFirst("accept")).isEqualTo("application/json");
        assertThat(h.getFirst("content-type")).isEqualTo("application/json");
        assertThat(h.getFirst("host")).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(h).doesNotContainKeys("Accept-encoding", "X-stainless-lang", "X-forwarded-for");
    }

    @Test
    void aConfiguredKeyReplacesTheClientsCredentials() throws Exception {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), "{}"));
        AnthropicBackend backend = backend(true, "UPSTREAM_KEY", Map.of("UPSTREAM_KEY", "sk-ant-upstream-secret"));
        ListAppender<ILoggingEvent> logs = captureLogs();
        try {
            drain((UpstreamReply.Relay) backend.send(call(CLIENT_BODY, "claude-sonnet-4-5", clientHeaders())));
            backend.models();
        } catch (ApiException expected) {
            // the models answer of this fake is not a list; only the headers matter here
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        }

        Headers h = upstream.next().headers();
        assertThat(h.getFirst("x-api-key")).isEqualTo("sk-ant-upstream-secret");
        assertThat(h).doesNotContainKey("Authorization");
        assertThat(upstream.next().headers().getFirst("x-api-key")).isEqualTo("sk-ant-upstream-secret");
        assertThat(logs.list).isNotEmpty()
                .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("sk-ant-upstream-secret"));
    }

    @Test
    void aMissingVersionGetsTheDefault() throws Exception {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), "{}"));
        drain((UpstreamReply.Relay) backend(true, null, Map.of())
                .send(call(CLIENT_BODY, "claude-sonnet-4-5", new ClientHeaders(Map.of()))));
        Headers h = upstream.next().headers();
        assertThat(h.getFirst("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(h).doesNotContainKeys("Anthropic-beta", "X-api-key", "Authorization");
    }

    @Test
    void relayForwardsErrorStatusesAndBodiesVerbatim() throws Exception {
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
                + "\"request_id\":\"req_011err\"}";
        upstream.respond(r -> new Reply(529, Map.of("content-type", "application/json", "x-should-retry", "true",
                "retry-after", "3"), body));

        UpstreamReply.Relay relay = (UpstreamReply.Relay) backend(true, null, Map.of())
                .send(call(CLIENT_STREAM_BODY, "claude-sonnet-4-5", clientHeaders()));

        assertThat(relay.status()).isEqualTo(529);
        assertThat(drain(relay)).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(relay.headers()).containsEntry("x-should-retry", List.of("true"))
                .containsEntry("retry-after", List.of("3"));
        assertThat(((AnthropicRelayTap) relay.tap()).error()).isEqualTo("overloaded_error: Overloaded");
    }

    @Test
    void relayKeepsTheBodyAndReplacesTheModelOnlyWhenAsked() throws Exception {
        String usage = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), usage));
        AnthropicBackend backend = backend(true, null, Map.of());

        UpstreamReply.Relay same = (UpstreamReply.Relay) backend.send(call(CLIENT_BODY, "claude-sonnet-4-5",
                clientHeaders()));
        assertThat(drain(same)).isEqualTo(usage.getBytes(StandardCharsets.UTF_8));
        assertThat(((AnthropicRelayTap) same.tap()).outputTokens()).isEqualTo(3);
        // no change needed: the body is the client's, field for field and in order (stream stays false)
        assertThat(new String(upstream.next().body(), StandardCharsets.UTF_8)).isEqualTo(CLIENT_BODY);

        drain((UpstreamReply.Relay) backend.send(call(CLIENT_BODY, "claude-opus-4-8", clientHeaders())));
        ObjectNode expected = (ObjectNode) Json.parse(CLIENT_BODY);
        expected.put("model", "claude-opus-4-8");
        assertThat(new String(upstream.next().body(), StandardCharsets.UTF_8)).isEqualTo(Json.string(expected));
    }

    @Test
    void relayOrDecodeIsDecidedByTheHost() {
        assertThat(backend(null, null, Map.of()).relays()).isFalse();
        assertThat(backend(true, null, Map.of()).relays()).isTrue();
        GatewayConfig anthropic = GatewayConfig.of("https://api.anthropic.com", Protocol.ANTHROPIC);
        assertThat(new AnthropicBackend(anthropic, http, Map.of()).relays()).isTrue();
        assertThat(new AnthropicBackend(anthropic.withRelay(false), http, Map.of()).relays()).isFalse();
        assertThat(AnthropicBackend.isAnthropicHost("anthropic.com")).isTrue();
        assertThat(AnthropicBackend.isAnthropicHost("notanthropic.com")).isFalse();
        assertThat(AnthropicBackend.isAnthropicHost("anthropic.com.example.org")).isFalse();
    }

    // ---------------------------------------------------------------- decode mode

    @Test
    void decodeAlwaysStreamsUpstreamAndYieldsModelEvents() throws Exception {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "text/event-stream"), TOOL_FRAGMENTED));
        AnthropicBackend backend = backend(false, null, Map.of());

        UpstreamReply reply = backend.send(call(CLIENT_BODY, "qwen3-coder", clientHeaders()));

        assertThat(pump(reply)).isEqualTo(AnthropicEventDecoderTest.decodeOne(TOOL_FRAGMENTED));
        Recorded request = upstream.next();
        JsonNode sent = Json.parse(request.body());
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.get("model").asString()).isEqualTo("qwen3-coder");
        assertThat(sent.get("context_management")).isNotNull();
        assertThat(request.headers().getFirst("accept")).isEqualTo("text/event-stream");
        reply.close();
    }

    @Test
    void decodeAcceptsAServerThatAnswersWithJson() throws Exception {
        String message = j("{'id':'msg_2','type':'message','role':'assistant','model':'m',"
                + "'content':[{'type':'text','text':'Hi there'}],'stop_reason':'end_turn','stop_sequence':null,"
                + "'usage':{'input_tokens':8,'output_tokens':2}}");
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), message));

        List<ModelEvent> events = pump(backend(false, null, Map.of())
                .send(call(CLIENT_BODY, "claude-sonnet-4-5", clientHeaders())));

        assertThat(events).containsExactly(new ModelEvent.TextDelta("Hi there"),
                new ModelEvent.Usage(8L, 2L, null, null), new ModelEvent.Finish(StopReason.END_TURN, null));
    }

    @Test
    void decodeMapsHttpErrors() {
        AnthropicBackend backend = backend(false, null, Map.of());

        upstream.respond(r -> new Reply(429, Map.of("content-type", "application/json", "retry-after", "7"),
                j("{'type':'error','error':{'type':'rate_limit_error','message':'Slow down'}}")));
        ApiError limited = sendError(backend);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.type()).isEqualTo("rate_limit_error");
        assertThat(limited.headers()).containsEntry("retry-after", "7");

        upstream.respond(r -> new Reply(529, Map.of("content-type", "application/json"),
                j("{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}")));
        assertThat(sendError(backend)).isEqualTo(new ApiError(529, "overloaded_error", "Overloaded"));

        upstream.respond(r -> new Reply(503, Map.of("content-type", "text/html"), "<h1>Service Unavailable</h1>"));
        assertThat(sendError(backend).type()).isEqualTo("overloaded_error");

        upstream.respond(r -> new Reply(400, Map.of("content-type", "application/json"),
                j("{'error':{'code':400,'message':'request (13392 tokens) exceeds the available context size "
                        + "(8192 tokens)','type':'exceed_context_size_error','n_prompt_tokens':13392,'n_ctx':8192}}")));
        assertThat(sendError(backend))
                .isEqualTo(ApiError.invalidRequest("prompt is too long: 13392 tokens > 8192 maximum"));
    }

    @Test
    void aConnectionLostMidStreamIsAnOverloadedFailure() throws Exception {
        String partial = AnthropicEventDecoderTest.messageStart(AnthropicEventDecoderTest.START_USAGE)
                + AnthropicEventDecoderTest.blockStart(0, "{'type':'text','text':''}")
                + AnthropicEventDecoderTest.text(0, "Half");
        try (OneShotServer server = new OneShotServer(partial)) {
            AnthropicBackend backend = new AnthropicBackend(
                    GatewayConfig.of(server.baseUrl(), Protocol.ANTHROPIC).withRelay(false), http, Map.of());
            List<ModelEvent> events = pump(backend.send(call(CLIENT_BODY, "m", clientHeaders())));
            assertThat(events).hasSize(3);
            assertThat(events.get(1)).isEqualTo(new ModelEvent.TextDelta("Half"));
            assertThat(events.get(2)).isInstanceOfSatisfying(ModelEvent.Failure.class, f -> {
                assertThat(f.error().type()).isEqualTo("overloaded_error");
                assertThat(f.error().message()).contains("connection lost");
            });
        }
    }

    @Test
    void closeFromAnotherThreadAbortsABlockedRead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String begin = AnthropicEventDecoderTest.messageStart(AnthropicEventDecoderTest.START_USAGE)
                + AnthropicEventDecoderTest.blockStart(0, "{'type':'text','text':''}")
                + AnthropicEventDecoderTest.text(0, "Thinking slowly");
        upstream.respond(r -> new Reply(200, Map.of("content-type", "text/event-stream"), begin, release));
        try {
            UpstreamReply reply = backend(false, null, Map.of()).send(call(CLIENT_BODY, "m", clientHeaders()));
            List<ModelEvent> events = new CopyOnWriteArrayList<>();
            CountDownLatch sawText = new CountDownLatch(1);
            Thread pumping = Thread.ofVirtual().start(() -> ((UpstreamReply.Events) reply).pump(event -> {
                events.add(event);
                if (event instanceof ModelEvent.TextDelta) {
                    sawText.countDown();
                }
            }));
            assertThat(sawText.await(10, TimeUnit.SECONDS)).isTrue();

            reply.close();

            assertThat(pumping.join(Duration.ofSeconds(10))).as("pump returned after close").isTrue();
            assertThat(events.getLast()).isInstanceOf(ModelEvent.Failure.class);
            reply.close();
        } finally {
            release.countDown();
        }
    }

    // ---------------------------------------------------------------- count_tokens and models

    @Test
    void countTokens() throws Exception {
        AnthropicBackend backend = backend(false, null, Map.of());
        String countBody = j("{'model':'claude-sonnet-4-5','messages':[{'role':'user','content':'Hi'}]}");
        BackendCall call = new BackendCall(RequestParser.parseCountTokens(countBody.getBytes(StandardCharsets.UTF_8)),
                "local-model", clientHeaders());

        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), "{\"input_tokens\":42}"));
        assertThat(backend.countTokens(call)).isEqualTo(OptionalLong.of(42));
        Recorded request = upstream.next();
        assertThat(request.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(Json.parse(request.body()).get("model").asString()).isEqualTo("local-model");
        assertThat(Json.parse(request.body()).has("stream")).isFalse();

        upstream.respond(r -> new Reply(404, Map.of("content-type", "text/plain"), "Not Found"));
        assertThat(backend.countTokens(call)).isEmpty();

        upstream.respond(r -> new Reply(500, Map.of("content-type", "application/json"),
                j("{'type':'error','error':{'type':'api_error','message':'Internal'}}")));
        assertThatThrownBy(() -> backend.countTokens(call)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(new ApiError(500, "api_error", "Internal")));
    }

    @Test
    void modelsKeepAnthropicsShape() throws Exception {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), j("{'data':["
                + "{'type':'model','id':'claude-sonnet-4-5-20250929','display_name':'Claude Sonnet 4.5',"
                + "'created_at':'2025-09-29T00:00:00Z','max_input_tokens':200000}],"
                + "'has_more':false,'first_id':'claude-sonnet-4-5-20250929','last_id':'claude-sonnet-4-5-20250929'}")));

        List<ObjectNode> models = backend(true, null, Map.of()).models();

        assertThat(models).singleElement().satisfies(m -> {
            assertThat(Json.text(m, "type")).isEqualTo("model");
            assertThat(Json.text(m, "id")).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(Json.text(m, "display_name")).isEqualTo("Claude Sonnet 4.5");
            assertThat(Json.text(m, "created_at")).isEqualTo("2025-09-29T00:00:00Z");
            assertThat(m.get("max_input_tokens").asInt()).isEqualTo(200000);
        });
        Recorded request = upstream.next();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/v1/models");
        assertThat(request.headers().getFirst("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void modelsConvertOpenAiShapedLists() {
        upstream.respond(r -> new Reply(200, Map.of("content-type", "application/json"), j("{'object':'list','data':["
                + "{'id':'qwen3-coder:30b','object':'model','created':1700000000,'owned_by':'library'},"
                + "{'id':'gemma3','object':'model'},{'object':'model'}]}")));

        List<ObjectNode> models = backend(false, null, Map.of()).models();

        assertThat(models).extracting(Json::string).containsExactly(
                j("{'type':'model','id':'qwen3-coder:30b','display_name':'qwen3-coder:30b',"
                        + "'created_at':'2023-11-14T22:13:20Z'}"),
                j("{'type':'model','id':'gemma3','display_name':'gemma3','created_at':'1970-01-01T00:00:00Z'}"));
    }

    @Test
    void modelsFailureIsAnApiException() {
        upstream.respond(r -> new Reply(401, Map.of("content-type", "application/json"),
                j("{'type':'error','error':{'type':'authentication_error','message':'invalid x-api-key'}}")));
        assertThatThrownBy(() -> backend(true, null, Map.of()).models()).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error().type()).isEqualTo("authentication_error"));
    }

    @Test
    void anUnreachableUpstreamIsAnApiException() throws IOException {
        int port = Ports.free();
        AnthropicBackend backend = new AnthropicBackend(
                GatewayConfig.of("http://127.0.0.1:" + port, Protocol.ANTHROPIC).withRelay(true), http, Map.of());
        assertThatThrownBy(() -> backend.send(call(CLIENT_BODY, "m", clientHeaders())))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().status()).isEqualTo(529));
    }

    // ---------------------------------------------------------------- helpers

    private AnthropicBackend backend(Boolean relay, String keyEnv, Map<String, String> env) {
        GatewayConfig config = GatewayConfig.of(upstream.baseUrl(), Protocol.ANTHROPIC)
                .withRelay(relay).withApiKeyEnv(keyEnv);
        return new AnthropicBackend(config, http, env);
    }

    private static BackendCall call(String body, String upstreamModel, ClientHeaders headers) {
        return new BackendCall(RequestParser.parseMessages(body.getBytes(StandardCharsets.UTF_8)), upstreamModel,
                headers);
    }

    private static ClientHeaders clientHeaders() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Anthropic-Version", List.of("2023-06-01"));
        h.put("anthropic-beta", List.of("claude-code-20250219", "interleaved-thinking-2025-05-14"));
        h.put("x-api-key", List.of("sk-ant-client"));
        h.put("Authorization", List.of("Bearer client-token"));
        h.put("X-Claude-Code-Session-Id", List.of("5f1c8a52-0000-4000-8000-000000000001"));
        h.put("User-Agent", List.of("claude-cli/2.1.328 (external, cli)"));
        h.put("x-app", List.of("cli"));
        h.put("accept", List.of("application/json"));
        h.put("accept-encoding", List.of("gzip, deflate, br, zstd"));
        h.put("host", List.of("gateway.example"));
        h.put("connection", List.of("keep-alive"));
        h.put("content-length", List.of("999"));
        h.put("x-stainless-lang", List.of("js"));
        h.put("x-forwarded-for", List.of("10.0.0.1"));
        return new ClientHeaders(h);
    }

    /** Copies the relayed body as the server would, feeding the tap, and ends the relay. */
    private static byte[] drain(UpstreamReply.Relay relay) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[5];
        try (InputStream body = relay.body()) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                relay.tap().bytes(buffer, 0, n);
            }
        } finally {
            relay.tap().end();
            relay.close();
        }
        return out.toByteArray();
    }

    private static List<ModelEvent> pump(UpstreamReply reply) {
        List<ModelEvent> events = new ArrayList<>();
        assertThat(reply).isInstanceOf(UpstreamReply.Events.class);
        ((UpstreamReply.Events) reply).pump(events::add);
        return events;
    }

    private ApiError sendError(AnthropicBackend backend) {
        try {
            backend.send(call(CLIENT_BODY, "local-model", clientHeaders())).close();
        } catch (ApiException e) {
            return e.error();
        }
        throw new AssertionError("expected an ApiException");
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
        return appender;
    }

    // ---------------------------------------------------------------- fakes

    record Recorded(String method, String path, Headers headers, byte[] body) {
    }

    /** A canned answer, written in small flushed pieces; {@code hold} keeps the response open until released. */
    record Reply(int status, Map<String, String> headers, String body, CountDownLatch hold) {
        Reply(int status, Map<String, String> headers, String body) {
            this(status, headers, body, null);
        }
    }

    /** A small Anthropic-protocol server on loopback that records requests and answers as told. */
    static final class FakeAnthropic implements AutoCloseable {
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpServer server;
        private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
        private volatile Function<Recorded, Reply> responder = r -> new Reply(500, Map.of(), "no reply set");

        FakeAnthropic() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        }

        void respond(Function<Recorded, Reply> newResponder) {
            responder = newResponder;
        }

        int port() {
            return server.getAddress().getPort();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + port();
        }

        Recorded next() throws InterruptedException {
            Recorded request = requests.poll(10, TimeUnit.SECONDS);
            assertThat(request).as("a request reached the fake upstream").isNotNull();
            return request;
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes());
                requests.add(request);
                Reply reply = responder.apply(request);
                reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : 0);
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < body.length; i += 7) {
                    out.write(body, i, Math.min(7, body.length - i));
                    out.flush();
                }
                if (reply.hold() != null) {
                    reply.hold().await(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /**
     * Answers one request with a promised Content-Length it never delivers, then drops the connection:
     * what a crashing upstream looks like to the client.
     */
    static final class OneShotServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread;

        OneShotServer(String partialBody) throws IOException {
            thread = Thread.ofVirtual().start(() -> {
                try (Socket client = socket.accept()) {
                    readRequest(client.getInputStream());
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 100000\r\n\r\n"
                            + partialBody).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    // the test sees the effect on the client side
                }
            });
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        /** Reads the head and the Content-Length body, so closing the socket does not reset unread data. */
        private static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            int length = Arrays.stream(head.toString(StandardCharsets.ISO_8859_1).split("\r\n"))
                    .filter(line -> line.toLowerCase().startsWith("content-length:"))
                    .mapToInt(line -> Integer.parseInt(line.substring(15).strip()))
                    .findFirst().orElse(0);
            in.readNBytes(length);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
