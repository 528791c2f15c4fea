package dev.anyclaude.server;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.TokenEstimator;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.route.Backends;
import dev.anyclaude.route.Router;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.LiveStream;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.Started;
import dev.anyclaude.testing.Sse;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stream open for minutes must not keep its whole parsed request alive: once the answer has begun, nothing
 * sends it again. The gateway's real handler, backend chain and HTTP on loopback; the upstream holds the
 * stream open after its first words while the test looks at what is still reachable.
 */
class RequestReleaseTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final Started started = new Started();

    @AfterEach
    void close() throws Exception {
        started.close();
    }

    /** The real backend, remembering the last call it was given and the request it carried. */
    private static final class Remembering implements Backend {
        private final Backend real;
        volatile BackendCall call;
        volatile WeakReference<MessagesRequest> request;

        Remembering(Backend real) {
            this.real = real;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public UpstreamReply send(BackendCall call) {
            this.call = call;
            this.request = new WeakReference<>(call.request());
            return real.send(call);
        }

        @Override
        public OptionalLong countTokens(BackendCall call) {
            return real.countTokens(call);
        }

        @Override
        public List<ObjectNode> models() {
            return real.models();
        }
    }

    private static final String REQUEST = """
            {"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,
             "system":"a system prompt that a long stream should not keep",
             "tools":[{"name":"Read","description":"Reads a file.","input_schema":{"type":"object",
               "properties":{"file_path":{"type":"string"}},"required":["file_path"]}}],
             "messages":[{"role":"user","content":"hi"}]}""";
    private static final byte[] ANSWER = OpenAiSse.chat("m").role().text("Hello").text(" world").finish("stop")
            .usage(10, 2, 0).done().bytes();

    @Test
    void anOpenStreamHoldsNoRequestOnceItsAnswerHasBegun() throws Exception {
        Gate gate = new Gate();
        byte[] first = OpenAiSse.chat("m").role().text("Hello").bytes();
        Remembering backend = gateway(Reply.sse(ANSWER).withStallAt(first.length, gate), gate);

        LiveStream stream = started.add(LiveStream.post(port, REQUEST));
        Sse.Event hello = stream.await(e -> e.data().contains("Hello"), BOUND);
        assertThat(hello).as("the first words reached the client").isNotNull();
        assertThat(gate.reached()).as("the upstream holds the stream open").isTrue();

        assertThatThrownBy(() -> backend.call.request()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
        assertThat(collected(backend.request)).as("the parsed request is garbage while the stream is open").isTrue();

        gate.release();
        assertAnswered(stream);
    }

    @Test
    void whileTheUpstreamWorksOnlyTheClientsBytesAreKeptForARetry() throws Exception {
        Gate gate = new Gate();
        Remembering backend = gateway(Reply.sse(ANSWER).withStallBeforeHeaders(gate), gate);

        LiveStream stream = started.add(LiveStream.post(port, REQUEST));
        assertThat(gate.awaitReached(BOUND)).as("the upstream is working on the request").isTrue();
        // the request thread sets the tree aside once the request is on its way, which is not ordered with the
        // upstream receiving it: collections until it is garbage, within the bound
        assertThat(collected(backend.request)).as("the parsed request is garbage while the upstream works").isTrue();
        assertThat(backend.call.request().tools()).as("parsed again when asked for").singleElement()
                .satisfies(tool -> assertThat(tool.name()).isEqualTo("Read"));

        gate.release();
        assertAnswered(stream);
    }

    private int port;

    private Remembering gateway(Reply reply, Gate gate) {
        FakeUpstream fake = started.add(FakeUpstream.start(r -> reply));
        started.add(gate::release);
        GatewayConfig config = GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI).withModel("m");
        UpstreamHttp http = started.add(new UpstreamHttp(config.connectTimeout(), config.headersTimeout()));
        Watchdog watchdog = started.add(Watchdog.start(Duration.ofMillis(100)));
        Remembering backend = new Remembering(Backends.create(config, http, Map.of()));
        Heartbeats heartbeats = started.add(new Heartbeats(config.pingInterval()));
        MessagesHandler handler = new MessagesHandler(new Router(backend, "m"), TokenEstimator::estimate,
                new GatewayMetrics(), config, watchdog, heartbeats);
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(routing -> routing.post("/v1/messages", handler::handle)).build().start();
        started.add(server::stop);
        port = server.port();
        return backend;
    }

    /** Full collections (System.gc() with G1) until {@code ref} is cleared or {@link #BOUND} has passed. */
    private static boolean collected(WeakReference<?> ref) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
        }
        return ref.get() == null;
    }

    private static void assertAnswered(LiveStream stream) throws Exception {
        Sse.Result result = stream.finish(BOUND).stream().assertValid();
        StringBuilder text = new StringBuilder();
        result.named("content_block_delta").forEach(e -> text.append(e.json().get("delta").get("text").asString()));
        assertThat(text).hasToString("Hello world");
        assertThat(result.stopReason()).isEqualTo("end_turn");
    }
}
