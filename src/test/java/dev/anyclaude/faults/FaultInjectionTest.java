package dev.anyclaude.faults;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.api.Json;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.FakeUpstream.Valve;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.LiveStream;
import dev.anyclaude.testing.ManualClock;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults injected by a fake upstream, with the gateway's deadlines on a manual clock: the test moves time
 * past a deadline at a precise point of the stream and checks that the client gets a valid stream or an
 * Anthropic error at once, that the upstream connection is closed, and that nothing is left in flight.
 */
class FaultInjectionTest {
    /** Real time a client may need once the deadline has passed: generous for a loaded CI machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);
    private static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(10);
    private static final Deadlines DEADLINES = Deadlines.DEFAULTS;

    private final ManualClock clock = new ManualClock();
    private FakeUpstream fake;
    private GatewayUnderTest gateway;
    private Watchdog watchdog;

    @BeforeEach
    void start() {
        fake = FakeUpstream.start(r -> Reply.notFound(r));
        watchdog = clock.watchdog();
        GatewayConfig config = GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI).withModel("m")
                .withTimeouts(Duration.ofSeconds(5), HEADERS_TIMEOUT)
                .withDeadlines(DEADLINES);
        gateway = GatewayUnderTest.start(config, java.util.Map.of(), watchdog);
    }

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    static String request(boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", "claude-sonnet-4-5");
        body.put("max_tokens", 1024);
        body.put("stream", stream);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "Say something long.");
        return Json.string(body);
    }

    static OpenAiSse answer(int words) {
        OpenAiSse sse = OpenAiSse.chat("m").role();
        for (int i = 0; i < words; i++) {
            sse.text("word" + i + " ");
        }
        return sse;
    }

    /** Moves the clock past {@code deadline} and lets the watchdog act. */
    private void pass(Duration deadline) {
        clock.advance(deadline.plusSeconds(1));
        watchdog.checkNow();
    }

    /** Moves the clock past the commit point and waits for message_start: the stream is now committed. */
    private void committed(LiveStream live) throws InterruptedException {
        fake.awaitRequests(1, PROMPTLY); // the attempt has started: its wait is measured from here
        clock.advance(DEADLINES.commitAfter().plusMillis(1));
        live.awaitEvent("message_start", PROMPTLY);
    }

    /**
     * No upstream reply is still going (an abandoned one ends only when the gateway closed its connection)
     * and nothing is left in flight in the gateway.
     */
    private void assertReleased() throws InterruptedException {
        fake.awaitNoActiveExchange(PROMPTLY);
        assertThat(gateway.server().awaitIdle(PROMPTLY)).as("calls and requests in flight return to zero")
                .isTrue();
    }

    private static void assertTimeoutEvent(RawHttp.Response response, String reason) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.stream().errored()).as(response.text()).isTrue();
        var error = response.stream().named("error").getFirst().json().get("error");
        assertThat(error.get("type").asString()).isEqualTo("timeout_error");
        assertThat(error.get("message").asString()).contains(reason);
    }

    // ---- hangs -----------------------------------------------------------------------------------------

    @Test
    void hangBeforeHeadersEndsAtTheHeadersDeadline() throws Exception {
        Gate never = new Gate();
        fake.handler(r -> answer(5).finish("stop").done().reply().withStallBeforeHeaders(never));
        try (LiveStream live = LiveStream.post(gateway.port(), request(true))) {
            committed(live);
            assertThat(live.ended()).isFalse();

            pass(HEADERS_TIMEOUT);

            assertTimeoutEvent(live.finish(PROMPTLY), "no response headers within 10 min");
        } finally {
            never.release();
        }
        assertReleased();
    }

    @Test
    void hangBeforeHeadersOfAWholeAnswerIsA504() throws Exception {
        Gate never = new Gate();
        fake.handler(r -> answer(5).finish("stop").done().reply().withStallBeforeHeaders(never));
        try {
            var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(false));
            fake.awaitRequests(1, PROMPTLY);
            pass(HEADERS_TIMEOUT);

            RawHttp.Response response = pending.get(PROMPTLY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(response.status()).isEqualTo(504);
            assertThat(response.json().get("error").get("type").asString()).isEqualTo("timeout_error");
        } finally {
            never.release();
        }
        assertReleased();
    }

    @Test
    void hangAfterHeadersEndsAtTheIdleDeadline() throws Exception {
        fake.handler(r -> answer(5).finish("stop").done().reply().withHoldAt(0));
        try (LiveStream live = LiveStream.post(gateway.port(), request(true))) {
            committed(live);

            pass(DEADLINES.idle());

            assertTimeoutEvent(live.finish(PROMPTLY), "idle deadline");
        }
        assertReleased();
    }

    @Test
    void hangMidStreamEndsAtTheIdleDeadlineAfterTheTextSoFar() throws Exception {
        byte[] bytes = answer(30).finish("stop").done().bytes();
        // the stall comes right after word14's event: once word14 reached the client, the gateway has read every
        // byte before the stall, so the silence is measured from a moment before the clock is moved (a stall
        // inside an event left a race: a last partial read after the move restarted the idle time)
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int stall = text.indexOf("\n\n", text.indexOf("word14 ")) + 2;
        Gate gate = new Gate();
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.random(3, 40)).withStallAt(stall, gate));
        try (LiveStream live = LiveStream.post(gateway.port(), request(true))) {
            live.await(e -> e.data().contains("word14 "), PROMPTLY);
            assertThat(gate.awaitReached(PROMPTLY)).isTrue();

            pass(DEADLINES.idle());

            RawHttp.Response response = live.finish(PROMPTLY);
            assertTimeoutEvent(response, "sent nothing for 3 min");
            assertThat(response.text()).contains("word3 ");
        } finally {
            gate.release();
        }
        assertReleased();
    }

    @Test
    void aModelThatNeverStartsEndsAtTheFirstTokenDeadlineEvenWhileTheUpstreamSendsKeepAlives() throws Exception {
        // OpenRouter-style ": PROCESSING" comments keep the connection busy, but no output ever comes
        OpenAiSse comments = OpenAiSse.chat("m");
        int minutes = (int) DEADLINES.firstToken().toMinutes();
        for (int i = 0; i <= minutes; i++) { // one more than is let out: the reply never ends
            comments.comment("OPENROUTER PROCESSING");
        }
        byte[] bytes = comments.bytes();
        Valve valve = new Valve();
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.random(5, 30)).withPacer(valve));
        try (LiveStream live = LiveStream.post(gateway.port(), request(true))) {
            committed(live);

            // a keep-alive a minute, each sent after the clock moved, until the first-token deadline has passed
            for (int minute = 1; minute <= minutes; minute++) {
                clock.advance(Duration.ofMinutes(1));
                int end = endOfEvent(bytes, minute - 1);
                valve.openTo(end);
                assertThat(valve.awaitSent(end, PROMPTLY)).isTrue();
            }
            pass(Duration.ZERO);

            assertTimeoutEvent(live.finish(PROMPTLY), "first-token deadline");
        }
        assertReleased();
    }

    @Test
    void aDripThatNeverGoesSilentEndsAtTheTotalDeadline() throws Exception {
        byte[] bytes = answer(400).finish("stop").done().bytes();
        Valve valve = new Valve();
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.oneByte()).withPacer(valve));
        // each step lets one more event out, a byte at a time, after moving the clock by less than the idle
        // deadline; the client's seeing its word proves the gateway read it at that time. The watchdog looks
        // at every step: the drip must keep the idle deadline away, and only the total deadline ends it.
        Duration step = DEADLINES.idle().minusMinutes(1);
        long steps = DEADLINES.total().dividedBy(step) - 1;
        try (LiveStream live = LiveStream.post(gateway.port(), request(true))) {
            valve.openTo(endOfEvent(bytes, "word0 "));
            live.await(e -> e.data().contains("word0 "), PROMPTLY);

            for (int word = 1; word <= steps; word++) {
                clock.advance(step);
                valve.openTo(endOfEvent(bytes, "word" + word + " "));
                String expected = "word" + word + " ";
                live.await(e -> e.data().contains(expected), PROMPTLY);
                watchdog.checkNow();
                assertThat(live.ended()).as("still streaming after %s", expected).isFalse();
            }
            pass(step);

            RawHttp.Response response = live.finish(PROMPTLY);
            assertTimeoutEvent(response, "total deadline");
            assertThat(response.text()).contains("word" + steps + " ").doesNotContain("word" + (steps + 1) + " ");
        }
        assertReleased();
    }

    /** The offset just after the {@code n}-th event (from 0) of an event stream. */
    private static int endOfEvent(byte[] stream, int n) {
        String text = new String(stream, StandardCharsets.US_ASCII);
        int end = 0;
        for (int i = 0; i <= n; i++) {
            end = text.indexOf("\n\n", end) + 2;
        }
        return end;
    }

    /** The offset just after the event that carries {@code text}. */
    private static int endOfEvent(byte[] stream, String text) {
        String all = new String(stream, StandardCharsets.US_ASCII);
        return all.indexOf("\n\n", all.indexOf(text)) + 2;
    }

    // ---- the client goes away ----------------------------------------------------------------------------

    @Test
    void aClientThatLeavesWhileTheUpstreamIsSilentCancelsItWithinASecond() throws Exception {
        fake.handler(r -> answer(5).finish("stop").done().reply().withHoldAt(0));
        LiveStream live = LiveStream.post(gateway.port(), request(true));
        committed(live);
        fake.awaitRequests(1, PROMPTLY);

        long left = System.nanoTime();
        live.close();
        fake.awaitOpenConnectionsAtMost(0, Duration.ofSeconds(5));
        Duration cancelledAfter = Duration.ofNanos(System.nanoTime() - left);

        assertThat(cancelledAfter).isLessThan(Duration.ofSeconds(1));
        assertReleased();
    }

    @Test
    void aClientThatLeavesBeforeTheUpstreamAnsweredCancelsTheExchange() throws Exception {
        Gate never = new Gate();
        fake.handler(r -> answer(5).finish("stop").done().reply().withStallBeforeHeaders(never));
        try {
            LiveStream live = LiveStream.post(gateway.port(), request(true));
            committed(live);

            long left = System.nanoTime();
            live.close();
            fake.awaitOpenConnectionsAtMost(0, Duration.ofSeconds(5));

            assertThat(Duration.ofNanos(System.nanoTime() - left)).isLessThan(Duration.ofSeconds(1));
            assertReleased();
        } finally {
            never.release();
        }
    }

    // ---- broken upstreams -------------------------------------------------------------------------------

    @Test
    void aResetMidStreamEndsWithAnErrorEventAfterTheTextSoFar() throws Exception {
        byte[] bytes = answer(30).finish("stop").done().bytes();
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.random(11, 40)).withResetAt(bytes.length / 2));

        RawHttp.Response response = post(true);

        // a reset may discard bytes not yet read: then nothing was sent and the client gets an HTTP error
        String message = response.status() == 200
                ? response.stream().named("error").getFirst().json().get("error").get("message").asString()
                : response.json().get("error").get("message").asString();
        assertThat(response.status()).isIn(200, 529);
        assertThat(message).contains("connection lost");
        assertReleased();
    }

    @Test
    void malformedChunksEndInAValidStream() throws Exception {
        byte[] bytes = answer(5).raw("data: {\"choices\":[{\"delta\":{\"content\":\"x\"\n\n")
                .raw("data: <html>oops</html>\n\n").text("after").finish("stop").done().bytes();
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.random(5, 17)));

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.stream().valid()).isTrue();
        assertReleased();
    }

    @Test
    void an429PassesItsRetryAfterToTheClient() throws Exception {
        fake.handler(r -> Reply.json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}")
                .withHeader("Retry-After", "600"));

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.header("retry-after")).isEqualTo("600");
        assertThat(response.json().get("error").get("type").asString()).isEqualTo("rate_limit_error");
        assertReleased();
    }

    @Test
    void an429WithRetryAfterIsRetriedAfterExactlyThatWait() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        fake.handler(r -> calls.incrementAndGet() == 1
                ? Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}").withHeader("Retry-After", "7")
                : answer(3).finish("stop").done().reply());

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.stream().stopReason()).isEqualTo("end_turn");
        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(7));
        assertReleased();
    }

    @Test
    void serverErrorsAreRetriedWithGrowingBackoffThenAnswered() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        int[] statuses = {500, 503};
        fake.handler(r -> {
            int n = calls.incrementAndGet();
            return n <= statuses.length ? Reply.json(statuses[n - 1], "{\"error\":{\"message\":\"busy\"}}")
                    : answer(3).finish("stop").done().reply();
        });

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(200);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(clock.pauses()).hasSize(2);
        // full jitter: each wait is at most its cap, 0.5 s then 1 s
        assertThat(clock.pauses().get(0)).isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(clock.pauses().get(1)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertReleased();
    }

    @Test
    void an529ThatPersistsEndsWithTheOverloadedErrorAfterTheRetries() throws Exception {
        fake.handler(r -> Reply.json(529, "{\"error\":{\"message\":\"overloaded\"}}"));

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(529);
        assertThat(response.json().get("error").get("type").asString()).isEqualTo("overloaded_error");
        assertThat(fake.requests("/v1/chat/completions")).hasSize(3);
        assertReleased();
    }

    @Test
    void endlessRepetitionIsCutByTheLoopGuardAndTheUpstreamCancelled() throws Exception {
        OpenAiSse loop = OpenAiSse.chat("m").role();
        for (int i = 0; i < 5000; i++) {
            loop.text("Let me read the file again. ");
        }
        byte[] bytes = loop.finish("stop").done().bytes();
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.random(9, 60)).withHoldAt(bytes.length));

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.stream().stopReason()).isEqualTo("max_tokens");
        assertThat(response.text().length()).isLessThan(bytes.length);
        assertReleased();
    }

    @Test
    void aNeverEndingStreamIsCutAtTheOutputBudget() throws Exception {
        byte[] bytes = answer(50_000).bytes(); // no finish, no [DONE]: it would go on
        fake.handler(r -> Reply.sse(bytes).withChunking(Chunking.random(4, 60)).withHoldAt(bytes.length));

        RawHttp.Response response = post(true);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.stream().stopReason()).isEqualTo("max_tokens");
        assertReleased();
    }

    @Test
    void aDeadPrimaryFallsBackToTheNextUpstreamAndModel() throws Exception {
        int deadPort = Ports.free();
        fake.handler(r -> answer(3).finish("stop").done().reply());
        GatewayConfig config = GatewayConfig.of("http://127.0.0.1:" + deadPort + "/v1", Protocol.OPENAI).withModel("m")
                .withResilience(dev.anyclaude.config.Resilience.DEFAULTS.withFallbacks(java.util.List.of(
                        dev.anyclaude.config.Fallback.parse("url=" + fake.baseUrl() + "/v1,model=backup"))));
        try (GatewayUnderTest withFallback = GatewayUnderTest.start(config, java.util.Map.of(), clock.watchdog())) {
            RawHttp.Response response = withFallback.http().post("/v1/messages", request(true));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.stream().stopReason()).isEqualTo("end_turn");
            assertThat(fake.requests("/v1/chat/completions")).singleElement()
                    .satisfies(r -> assertThat(r.json().get("model").asString()).isEqualTo("backup"));
            assertThat(clock.pauses()).hasSize(2); // the primary's two retries waited before the fallback
        }
    }

    private RawHttp.Response post(boolean stream) {
        try {
            return gateway.http().post("/v1/messages", request(stream));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
