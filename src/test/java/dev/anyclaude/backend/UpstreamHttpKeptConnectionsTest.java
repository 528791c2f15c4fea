package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.ManualClock;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.Started;
import io.helidon.common.tls.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connections to a plain-HTTP upstream kept between exchanges ({@link KeptConnections} behind
 * {@link UpstreamHttp#connectEarly}): reused while fresh, replaced when the server dropped them, never reused
 * with bytes left on them, closed when they expire, on an abort and with the client. Real sockets on loopback;
 * expiry on a manual clock.
 */
class UpstreamHttpKeptConnectionsTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    private static final String OK = "{\"ok\":true}";

    private final ManualClock clock = new ManualClock();
    @RegisterExtension
    final Started started = new Started();

    private UpstreamHttp http() {
        return started.add(new UpstreamHttp(Duration.ofSeconds(5), BOUND, () -> Tls.builder().build(), clock));
    }

    private CallControl control(String baseUrl) {
        Watchdog watchdog = started.add(Watchdog.start(Duration.ofMillis(50)));
        GatewayConfig config = GatewayConfig.of(baseUrl, Protocol.OPENAI);
        return started.add(watchdog.open(config.deadlines(), config.headersTimeout()));
    }

    /** One exchange as the OpenAI backend makes it: over connectEarly's connection, the body read to its end. */
    private String exchange(UpstreamHttp http, FakeUpstream upstream) throws IOException {
        return exchange(http, upstream, control(upstream.baseUrl()));
    }

    private String exchange(UpstreamHttp http, FakeUpstream upstream, CallControl control) throws IOException {
        String url = upstream.baseUrl() + "/v1/chat/completions";
        HttpRequest request = http.request(url).header("content-type", "application/json")
                .POST(UpstreamHttp.body(BODY)).build();
        try (UpstreamHttp.EarlyConnection early = http.connectEarly(url)) {
            HttpResponse<InputStream> response = http.send(request, "test", control, early);
            try (InputStream body = response.body()) {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void exchangesOneAfterAnotherGoOverOneConnectionWhichCloseCloses() throws Exception {
        byte[] stream = OpenAiSse.chat("m").role().text("Hello").finish("stop").done().bytes();
        AtomicInteger served = new AtomicInteger();
        // whole bodies and chunked streams in turn: either leaves the connection ready for the next
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> served.incrementAndGet() % 2 == 0
                ? Reply.json(200, OK) : Reply.sse(stream).withChunking(Chunking.random(7, 40))));
        UpstreamHttp http = http();

        for (int i = 1; i <= 6; i++) {
            assertThat(exchange(http, upstream)).isEqualTo(i % 2 == 0 ? OK : new String(stream, StandardCharsets.UTF_8));
        }

        assertThat(upstream.requests("/v1/chat/completions")).hasSize(6)
                .allSatisfy(request -> assertThat(request.bodyText()).isEqualTo("{\"model\":\"m\"}"));
        assertThat(upstream.connections()).as("one connection for all six").isEqualTo(1);
        assertThat(http.keptConnections()).isEqualTo(1);
        http.close();
        upstream.awaitOpenConnectionsAtMost(0, BOUND);
    }

    @Test
    void smallRequestsShareTheKeptConnections() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> request.path().endsWith("/models")
                ? Reply.json(200, "{\"data\":[]}") : Reply.json(200, OK)));
        UpstreamHttp http = http();

        exchange(http, upstream);
        HttpResponse<byte[]> models = http.sendSmall(http.request(upstream.baseUrl() + "/v1/models").GET().build(),
                "test");
        exchange(http, upstream);

        assertThat(new String(models.body(), StandardCharsets.UTF_8)).isEqualTo("{\"data\":[]}");
        // a server with a thread per connection would otherwise hold one for the idle connection while a new
        // one waited for a thread
        assertThat(upstream.connections()).isEqualTo(1);
        assertThat(upstream.requests()).hasSize(3);
    }

    @Test
    void aServerThatSaysCloseHasItsConnectionClosedNotKept() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.json(200, OK)
                .withHeader("Connection", "close")));
        UpstreamHttp http = http();

        assertThat(exchange(http, upstream)).isEqualTo(OK);
        assertThat(http.keptConnections()).isZero();
        upstream.awaitOpenConnectionsAtMost(0, BOUND);
        assertThat(exchange(http, upstream)).isEqualTo(OK);
        assertThat(upstream.connections()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionTheServerDroppedIsReplacedAndTheRequestSentAgainOnANewOne() throws Exception {
        AtomicInteger served = new AtomicInteger();
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> served.incrementAndGet() == 2
                ? Reply.dropConnectionReply() : Reply.json(200, OK)));
        UpstreamHttp http = http();

        assertThat(exchange(http, upstream)).isEqualTo(OK);
        assertThat(exchange(http, upstream)).as("dropped on the kept connection, answered on a new one").isEqualTo(OK);

        assertThat(upstream.connections()).isEqualTo(2);
        assertThat(upstream.requests("/v1/chat/completions")).hasSize(3);
    }

    @Test
    void aNewConnectionThatFailsIsNotTriedAgain() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.dropConnectionReply()));
        UpstreamHttp http = http();

        assertThatThrownBy(() -> exchange(http, upstream)).isInstanceOf(UpstreamException.class);

        assertThat(upstream.connections()).isEqualTo(1);
        assertThat(upstream.requests("/v1/chat/completions")).hasSize(1);
        assertThat(http.keptConnections()).isZero();
    }

    @Test
    void aConnectionIdleLongerThanTheLimitIsClosedAndNotReused() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.json(200, OK)));
        UpstreamHttp http = http();

        exchange(http, upstream);
        clock.advance(UpstreamHttp.KEPT_IDLE.minusMillis(1));
        exchange(http, upstream);
        assertThat(upstream.connections()).as("reused just within the limit").isEqualTo(1);

        clock.advance(UpstreamHttp.KEPT_IDLE.plusMillis(1));
        exchange(http, upstream);

        assertThat(upstream.connections()).isEqualTo(2);
        upstream.awaitOpenConnectionsAtMost(1, BOUND); // the expired one was closed
    }

    @Test
    void theTimersLookClosesExpiredConnectionsWithoutANewExchange() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.json(200, OK)));
        UpstreamHttp http = http();
        exchange(http, upstream);

        assertThat(http.closeExpiredConnections()).as("still kept, so the timer looks again").isTrue();
        assertThat(http.keptConnections()).isEqualTo(1);
        clock.advance(UpstreamHttp.KEPT_IDLE.plusMillis(1));
        assertThat(http.closeExpiredConnections()).isFalse();

        assertThat(http.keptConnections()).isZero();
        upstream.awaitOpenConnectionsAtMost(0, BOUND);
    }

    @Test
    void aConnectionWithBytesNoRequestAskedForIsNotReused() throws Exception {
        AtomicInteger served = new AtomicInteger();
        // the first answer says 2 bytes and sends 11: the other 9 must not become the start of the next answer
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> served.incrementAndGet() == 1
                ? Reply.json(200, OK).withDeclaredLength(2) : Reply.json(200, OK)));
        UpstreamHttp http = http();

        assertThat(exchange(http, upstream)).isEqualTo("{\"");
        assertThat(http.keptConnections()).as("not kept: the reader holds the 9 bytes").isZero();
        assertThat(exchange(http, upstream)).isEqualTo(OK);

        assertThat(upstream.connections()).isEqualTo(2);
    }

    /** Two exchanges on one kept connection: the first answered, the second's answer held at a gate. */
    private record Held(FakeUpstream upstream, UpstreamHttp http, CallControl control, CompletableFuture<String> second) {
    }

    private Held secondExchangeHeldAt(Gate never) throws Exception {
        AtomicInteger served = new AtomicInteger();
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> served.incrementAndGet() == 1
                ? Reply.json(200, OK) : Reply.json(200, OK).withStallBeforeHeaders(never)));
        UpstreamHttp http = http();
        exchange(http, upstream);
        CallControl control = control(upstream.baseUrl());
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            try {
                return exchange(http, upstream, control);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(never.awaitReached(BOUND)).isTrue();
        return new Held(upstream, http, control, second);
    }

    @Test
    void closingTheClientEndsAnExchangeInFlightOnAKeptConnection() throws Exception {
        Gate never = new Gate();
        try {
            Held held = secondExchangeHeldAt(never);

            held.http().close();

            assertThatThrownBy(() -> held.second().get(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .cause().isInstanceOf(UpstreamException.class);
            held.upstream().awaitOpenConnectionsAtMost(0, BOUND);
            assertThat(held.upstream().requests("/v1/chat/completions")).as("not sent again by a closed client")
                    .hasSize(2);
        } finally {
            never.release();
        }
    }

    @Test
    void anAbortWhileAKeptConnectionAwaitsItsAnswerClosesIt() throws Exception {
        Gate never = new Gate();
        try {
            Held held = secondExchangeHeldAt(never);

            held.control().abort(ApiError.apiError("stopped by the test"));

            assertThatThrownBy(() -> held.second().get(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .cause().isInstanceOf(UpstreamException.class).hasMessageContaining("stopped by the test");
            held.upstream().awaitOpenConnectionsAtMost(0, BOUND);
            assertThat(held.upstream().connections()).as("not sent again on a new connection").isEqualTo(1);
            assertThat(held.http().keptConnections()).isZero();
        } finally {
            never.release();
        }
    }
}
