package dev.anyclaude.route;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.backend.AnthropicBackend;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.CallControl;
import dev.anyclaude.backend.ClientHeaders;
import dev.anyclaude.backend.OpenAiBackend;
import dev.anyclaude.backend.Pauser;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.testing.ErrorBodies;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.ManualClock;
import dev.anyclaude.testing.OpenAiSse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Retries, fallbacks and breakers over real backends talking to scripted upstreams on loopback. Waits are
 * recorded by a manual clock, not slept; every upstream ends the test with no connection left open.
 */
class ResilientBackendTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final ApiError CLIENT_GONE = ApiError.apiError("the client went away");

    private final ManualClock clock = new ManualClock();
    private final Watchdog watchdog = Watchdog.manual(clock, clock);
    private final UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final List<FakeUpstream> fakes = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();

    @AfterEach
    void everyUpstreamConnectionIsReleased() throws Exception {
        try {
            for (FakeUpstream fake : fakes) {
                fake.awaitOpenConnectionsAtMost(0, BOUND);
                assertThat(fake.handlerErrors()).isEmpty();
            }
        } finally {
            for (AutoCloseable c : others) {
                c.close();
            }
            http.close();
            fakes.forEach(FakeUpstream::close);
        }
    }

    // ---- retries on one upstream ------------------------------------------------------------------------

    @Test
    void a503ThenA200IsRetriedOnceAfterAJitteredBackoff() {
        FakeUpstream fake = upstream(inTurn(overloaded(503), answer("hello")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        List<ModelEvent> events = Replies.pumpAll(backend.send(call()));

        assertThat(Replies.text(events)).isEqualTo("hello");
        assertThat(events.getLast()).isInstanceOf(ModelEvent.Finish.class);
        assertThat(fake.requests()).hasSize(2);
        assertThat(clock.pauses()).hasSize(1);
        assertThat(clock.pauses().getFirst()).isBetween(Duration.ZERO, Resilience.DEFAULTS.initialBackoff());
        assertThat(backend.breakers().getFirst().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void retryWaitsGrowExponentiallyUpToTheLimit() {
        FakeUpstream fake = upstream(inTurn(overloaded(502), overloaded(502), overloaded(502), overloaded(502),
                answer("at last")));
        Resilience settings = Resilience.DEFAULTS.withMaxRetries(4).withBackoff(Duration.ofSeconds(1),
                Duration.ofSeconds(3));
        ResilientBackend backend = new ResilientBackend(List.of(primary(fake)), settings, clock, TOP_OF_RANGE);

        assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("at last");

        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void a429WithRetryAfterIsRetriedAfterExactlyThatWait() {
        FakeUpstream fake = upstream(inTurn(rateLimited("7"), answer("ok")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("ok");

        assertThat(clock.pauses()).containsExactly(Duration.ofSeconds(7));
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void a429AskingForALongerWaitThanHonouredReachesTheClientWithItsRetryAfter() {
        FakeUpstream fake = upstream(inTurn(rateLimited("600")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        ApiException e = catchThrowableOfType(ApiException.class, () -> backend.send(call()));

        assertThat(e.error().status()).isEqualTo(429);
        assertThat(e.error().headers()).containsEntry("retry-after", "600");
        assertThat(clock.pauses()).isEmpty();
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void a429AskingForALongerWaitThanHonouredMovesOnToTheFallbackAtOnce() {
        FakeUpstream limited = upstream(inTurn(rateLimited("600")));
        FakeUpstream spare = upstream(inTurn(answer("from the spare")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(limited), fallback(spare, null));

        assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("from the spare");

        assertThat(clock.pauses()).isEmpty();
        assertThat(limited.requests()).hasSize(1);
        assertThat(spare.requests()).hasSize(1);
    }

    // ---- errors that are the request's own ---------------------------------------------------------------

    @Test
    void a400IsThrownAtOnceWithoutRetryOrFallback() {
        FakeUpstream fake = upstream(inTurn(Reply.json(400, ErrorBodies.openAiContextLength(8192, 9000))));
        FakeUpstream spare = upstream(inTurn(answer("never")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake), fallback(spare, null));

        ApiException e = catchThrowableOfType(ApiException.class, () -> backend.send(call()));

        assertThat(e.error().status()).isEqualTo(400);
        assertThat(e.error().message()).containsIgnoringCase("prompt is too long");
        assertThat(fake.requests()).hasSize(1);
        assertThat(spare.requests()).isEmpty();
        assertThat(clock.pauses()).isEmpty();
        assertThat(backend.breakers().getFirst().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void rejectedCredentialsAreNotRetriedEither() {
        FakeUpstream fake = upstream(inTurn(Reply.json(401, ErrorBodies.openAi("bad key", "invalid_api_key", null))));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        assertThatThrownBy(() -> backend.send(call())).isInstanceOf(ApiException.class)
                .extracting(t -> ((ApiException) t).error().type()).isEqualTo("permission_error");
        assertThat(fake.requests()).hasSize(1);
    }

    // ---- fallbacks ----------------------------------------------------------------------------------------

    @Test
    void aRefusedConnectionIsRetriedThenTheFallbackAnswers() throws Exception {
        FakeUpstream spare = upstream(inTurn(answer("from the spare")));
        Backend down = openAi("http://127.0.0.1:" + Ports.free());
        ResilientBackend backend = resilient(Resilience.DEFAULTS,
                new ResilientBackend.Target("primary", down, null), fallback(spare, null));

        UpstreamReply reply = backend.send(call());

        assertThat(Replies.text(Replies.pumpAll(reply))).isEqualTo("from the spare");
        assertThat(clock.pauses()).as("two retries on the primary").hasSize(2);
        assertThat(clock.pauses().get(0)).isBetween(Duration.ZERO, Duration.ofMillis(500));
        assertThat(clock.pauses().get(1)).isBetween(Duration.ZERO, Duration.ofMillis(1000));
        assertThat(spare.requests()).hasSize(1);
    }

    @Test
    void anOverloadedModelFallsBackToTheFallbackModelOnTheSameUpstream() {
        FakeUpstream fake = upstream(r -> closing("backup-model".equals(r.json().path("model").asString())
                ? answer("backup speaking") : overloaded(529)));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake), fallback(fake, "backup-model"));

        UpstreamReply reply = backend.send(call());

        assertThat(Replies.text(Replies.pumpAll(reply))).isEqualTo("backup speaking");
        assertThat(((UpstreamReply.Events) reply).upstreamModel()).isEqualTo("backup-model");
        assertThat(fake.requests()).extracting(r -> r.json().path("model").asString())
                .containsExactly("m", "m", "m", "backup-model");
    }

    @Test
    void aDeadlineOnOneUpstreamIsNotRetriedThereButTheFallbackIsTried() throws Exception {
        UpstreamHttp impatient = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofMillis(300));
        others.add(impatient);
        Gate never = new Gate();
        FakeUpstream slow = upstream(inTurn(answer("too late").withStallBeforeHeaders(never)));
        FakeUpstream spare = upstream(inTurn(answer("in time")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS,
                new ResilientBackend.Target("slow", openAi(slow.baseUrl(), impatient), null), fallback(spare, null));

        try {
            assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("in time");
        } finally {
            never.release();
        }

        assertThat(slow.requests()).hasSize(1);
        assertThat(clock.pauses()).isEmpty();
    }

    @Test
    void whenEveryUpstreamFailsTheLastErrorIsThrown() {
        FakeUpstream first = upstream(inTurn(overloaded(503)));
        FakeUpstream second = upstream(inTurn(Reply.json(500, ErrorBodies.openAi("boom", "server_error", null))));
        ResilientBackend backend = resilient(Resilience.DEFAULTS.withMaxRetries(1), primary(first),
                fallback(second, null));

        ApiException e = catchThrowableOfType(ApiException.class, () -> backend.send(call()));

        assertThat(e.error().type()).isEqualTo("api_error");
        assertThat(e.error().message()).contains("boom");
        assertThat(first.requests()).hasSize(2);
        assertThat(second.requests()).hasSize(2);
    }

    // ---- failures after the 200, before the first content ---------------------------------------------------

    @Test
    void anErrorChunkBeforeContentIsRetriedTransparently() {
        byte[] providerError = OpenAiSse.chat("m").role()
                .raw("data: {\"error\":{\"message\":\"Provider returned error\",\"code\":502}}").bytes();
        FakeUpstream fake = upstream(inTurn(heldOpen(Reply.sse(providerError)), answer("second answer")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        List<ModelEvent> events = Replies.pumpAll(backend.send(call()));

        assertThat(events).noneMatch(e -> e instanceof ModelEvent.Failure);
        assertThat(Replies.text(events)).isEqualTo("second answer");
        assertThat(events.getLast()).isInstanceOf(ModelEvent.Finish.class);
        assertThat(fake.requests()).hasSize(2);
        assertThat(clock.pauses()).hasSize(1);
    }

    @Test
    void aConnectionResetBeforeContentIsRetried() {
        byte[] roleOnly = OpenAiSse.chat("m").role().bytes();
        byte[] doomed = OpenAiSse.chat("m").role().text("never seen").finish("stop").done().bytes();
        FakeUpstream fake = upstream(inTurn(Reply.sse(doomed).withResetAt(roleOnly.length), answer("survivor")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        List<ModelEvent> events = Replies.pumpAll(backend.send(call()));

        assertThat(Replies.text(events)).isEqualTo("survivor");
        assertThat(events).noneMatch(e -> e instanceof ModelEvent.Failure);
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void aResetAfterContentReachesTheClientWithoutARetry() {
        byte[] partial = OpenAiSse.chat("m").role().text("partial ").bytes();
        byte[] body = OpenAiSse.chat("m").role().text("partial ").text("rest").finish("stop").done().bytes();
        // the reset waits until the text was read: a reset can destroy data the client has not read yet
        Gate textRead = new Gate();
        FakeUpstream fake = upstream(inTurn(Reply.sse(body).withStallAt(partial.length, textRead)
                .withResetAt(partial.length), answer("unused")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        List<ModelEvent> events = new ArrayList<>();
        try (UpstreamReply reply = backend.send(call())) {
            ((UpstreamReply.Events) reply).pump(event -> {
                events.add(event);
                if (event instanceof ModelEvent.TextDelta) {
                    textRead.release();
                }
            });
        }

        assertThat(Replies.text(events)).isEqualTo("partial ");
        assertThat(events.getLast()).isInstanceOf(ModelEvent.Failure.class);
        assertThat(fake.requests()).hasSize(1);
        assertThat(clock.pauses()).isEmpty();
    }

    @Test
    void anInStreamErrorThatIsTheRequestsOwnPassesWithoutARetry() {
        byte[] tooLong = OpenAiSse.chat("m").role()
                .raw("data: " + ErrorBodies.openAiContextLength(8192, 9000)).bytes();
        FakeUpstream fake = upstream(inTurn(heldOpen(Reply.sse(tooLong)), answer("unused")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        List<ModelEvent> events = Replies.pumpAll(backend.send(call()));

        assertThat(events).singleElement().isInstanceOfSatisfying(ModelEvent.Failure.class,
                f -> assertThat(f.error().message()).containsIgnoringCase("prompt is too long"));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void streamFailuresBeforeContentUseUpTheRetriesThenFallBack() {
        byte[] providerError = OpenAiSse.chat("m").role()
                .raw("data: {\"error\":{\"message\":\"Provider returned error\",\"code\":503}}").bytes();
        FakeUpstream flaky = upstream(inTurn(heldOpen(Reply.sse(providerError))));
        FakeUpstream spare = upstream(inTurn(answer("steady")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS.withMaxRetries(1), primary(flaky),
                fallback(spare, "spare-model"));

        UpstreamReply reply = backend.send(call());
        List<ModelEvent> events = Replies.pumpAll(reply);

        assertThat(Replies.text(events)).isEqualTo("steady");
        assertThat(flaky.requests()).hasSize(2);
        assertThat(spare.requests()).extracting(r -> r.json().path("model").asString()).containsExactly("spare-model");
        assertThat(((UpstreamReply.Events) reply).upstreamModel()).isEqualTo("spare-model");
    }

    // ---- relays ---------------------------------------------------------------------------------------------

    @Test
    void aRelayedErrorIsReturnedAsItIsWithoutARetry() {
        FakeUpstream fake = upstream(inTurn(heldOpen(Reply.json(529,
                ErrorBodies.anthropic("overloaded_error", "Overloaded")))));
        Backend relay = new AnthropicBackend(GatewayConfig.of(fake.baseUrl(), Protocol.ANTHROPIC).withRelay(true),
                http, Map.of());
        Resilience settings = Resilience.DEFAULTS.withBreaker(1, Duration.ofSeconds(30));
        ResilientBackend backend = resilient(settings, new ResilientBackend.Target("anthropic", relay, null));

        try (UpstreamReply reply = backend.send(call())) {
            assertThat(reply).isInstanceOfSatisfying(UpstreamReply.Relay.class,
                    r -> assertThat(r.status()).isEqualTo(529));
        }
        assertThat(fake.requests()).hasSize(1);
        assertThat(clock.pauses()).isEmpty();
        assertThat(backend.breakers().getFirst().state()).as("the next call still gets Anthropic's own answer")
                .isEqualTo(CircuitBreaker.State.CLOSED);
    }

    // ---- the circuit breaker -------------------------------------------------------------------------------

    @Test
    void theBreakerOpensAfterRepeatedFailuresAndTheUpstreamHearsNothingUntilItsTimeIsUp() {
        AtomicInteger healthy = new AtomicInteger();
        FakeUpstream fake = upstream(r -> closing(healthy.get() == 0 ? overloaded(503) : answer("back")));
        Resilience settings = Resilience.DEFAULTS.withMaxRetries(0).withBreaker(2, Duration.ofSeconds(30));
        ResilientBackend backend = resilient(settings, primary(fake));

        assertThatThrownBy(() -> backend.send(call())).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> backend.send(call())).isInstanceOf(ApiException.class);
        assertThat(backend.breakers().getFirst().state()).isEqualTo(CircuitBreaker.State.OPEN);

        ApiException refused = catchThrowableOfType(ApiException.class, () -> backend.send(call()));
        assertThat(refused.error().status()).isEqualTo(529);
        assertThat(refused.error().type()).isEqualTo("overloaded_error");
        assertThat(refused.error().message()).contains("primary").contains("30 s");
        assertThat(refused.error().headers()).containsEntry("retry-after", "30");
        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(() -> backend.send(call())).isInstanceOf(ApiException.class);
        assertThat(fake.requests()).hasSize(2);

        healthy.set(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("back");

        assertThat(fake.requests()).hasSize(3);
        assertThat(backend.breakers().getFirst().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anOpenPrimaryIsSkippedForTheFallbackWithoutBeingCalled() {
        FakeUpstream fake = upstream(inTurn(overloaded(503)));
        FakeUpstream spare = upstream(inTurn(answer("spare")));
        Resilience settings = Resilience.DEFAULTS.withMaxRetries(0).withBreaker(1, Duration.ofSeconds(30));
        ResilientBackend backend = resilient(settings, primary(fake), fallback(spare, null));

        assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("spare");
        assertThat(Replies.text(Replies.pumpAll(backend.send(call())))).isEqualTo("spare");

        assertThat(fake.requests()).hasSize(1);
        assertThat(spare.requests()).hasSize(2);
    }

    @Test
    void aStreamThatFailsBeforeContentCountsAgainstTheBreaker() {
        byte[] providerError = OpenAiSse.chat("m").role()
                .raw("data: {\"error\":{\"message\":\"Provider returned error\",\"code\":502}}").bytes();
        FakeUpstream fake = upstream(inTurn(heldOpen(Reply.sse(providerError))));
        Resilience settings = Resilience.DEFAULTS.withMaxRetries(1).withBreaker(2, Duration.ofSeconds(30));
        ResilientBackend backend = resilient(settings, primary(fake));

        List<ModelEvent> events = Replies.pumpAll(backend.send(call()));

        assertThat(events.getLast()).isInstanceOf(ModelEvent.Failure.class);
        assertThat(backend.breakers().getFirst().state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    // ---- the client leaving --------------------------------------------------------------------------------

    @Test
    void aClientLeavingDuringABackoffStopsAtOnce() {
        FakeUpstream fake = upstream(inTurn(overloaded(503), answer("unused")));
        clock.duringPause((control, wait) -> control.abort(CLIENT_GONE));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));

        ApiException e = catchThrowableOfType(ApiException.class, () -> backend.send(call()));

        assertThat(e.error()).isEqualTo(CLIENT_GONE);
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void anAbortFromAnotherThreadEndsARealWaitAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        Watchdog realWaits = Watchdog.manual(clock, (control, wait) -> {
            waiting.countDown();
            Pauser.WAIT.pause(control, wait);
        });
        FakeUpstream fake = upstream(inTurn(overloaded(503), answer("unused")));
        Resilience settings = Resilience.DEFAULTS.withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1));
        ResilientBackend backend = new ResilientBackend(List.of(primary(fake)), settings, clock, TOP_OF_RANGE);
        CallControl control = realWaits.open(Deadlines.DEFAULTS, Duration.ofMinutes(1));
        BackendCall call = new BackendCall(request(), "m", ClientHeaders.EMPTY, control);

        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                backend.send(call).close();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        assertThat(waiting.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("the backoff wait began").isTrue();
        long before = System.nanoTime();
        control.abort(CLIENT_GONE);

        Throwable thrown = outcome.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
        assertThat(thrown).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(CLIENT_GONE));
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void closingTheReplyDuringAStreamRetryLetsNoOtherAttemptStart() {
        byte[] providerError = OpenAiSse.chat("m").role()
                .raw("data: {\"error\":{\"message\":\"Provider returned error\",\"code\":502}}").bytes();
        FakeUpstream fake = upstream(inTurn(heldOpen(Reply.sse(providerError)), answer("unused")));
        ResilientBackend backend = resilient(Resilience.DEFAULTS, primary(fake));
        UpstreamReply reply = backend.send(call());
        clock.duringPause((control, wait) -> {
            reply.close();
            control.abort(CLIENT_GONE);
        });

        List<ModelEvent> events = Replies.pumpAll(reply);

        assertThat(events).singleElement().isInstanceOf(ModelEvent.Failure.class);
        assertThat(fake.requests()).hasSize(1);
    }

    // ---- count_tokens and models ------------------------------------------------------------------------------

    @Test
    void modelsComeFromTheFirstReachableUpstream() throws Exception {
        FakeUpstream spare = upstream(r -> closing(Reply.json(200, "{\"data\":[{\"id\":\"spare-model\",\"created\":1}]}")));
        Backend down = openAi("http://127.0.0.1:" + Ports.free());
        ResilientBackend backend = resilient(Resilience.DEFAULTS, new ResilientBackend.Target("down", down, null),
                fallback(spare, null));

        List<ObjectNode> models = backend.models();

        assertThat(models).extracting(m -> m.get("id").asString()).containsExactly("spare-model");
        assertThat(clock.pauses()).isEmpty();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Always the top of the jitter range: the wait equals the backoff ceiling. */
    private static final RandomGenerator TOP_OF_RANGE = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private FakeUpstream upstream(Function<RecordedRequest, Reply> handler) {
        FakeUpstream fake = FakeUpstream.start(handler);
        fakes.add(fake);
        return fake;
    }

    /** Answers the n-th request with the n-th reply; the last one repeats. */
    private static Function<RecordedRequest, Reply> inTurn(Reply... replies) {
        AtomicInteger n = new AtomicInteger();
        return r -> closing(replies[Math.min(n.getAndIncrement(), replies.length - 1)]);
    }

    /**
     * The client drops the connection after the reply, so an open connection at the end of a test is a
     * reply nobody closed, not one resting in the client's pool.
     */
    private static Reply closing(Reply reply) {
        return reply.withHeader("Connection", "close");
    }

    /**
     * The reply's body, then silence with the connection open: only the client closing the reply frees it,
     * so an open connection at the end of the test is a reply left unclosed.
     */
    private static Reply heldOpen(Reply reply) {
        return reply.withFraming(FakeUpstream.Framing.CHUNKED).withHoldAt(reply.body().length);
    }

    private static Reply answer(String text) {
        return OpenAiSse.chat("m").role().text(text).finish("stop").usage(10, 2, 0).done().reply();
    }

    private static Reply overloaded(int status) {
        return Reply.json(status, ErrorBodies.openAi("the upstream is busy", "server_error", null));
    }

    private static Reply rateLimited(String retryAfter) {
        return Reply.json(429, ErrorBodies.openAi("slow down", "rate_limit_exceeded", null))
                .withHeader("Retry-After", retryAfter);
    }

    private Backend openAi(String baseUrl) {
        return openAi(baseUrl, http);
    }

    private static Backend openAi(String baseUrl, UpstreamHttp client) {
        return new OpenAiBackend(GatewayConfig.of(baseUrl, Protocol.OPENAI), client, Map.of());
    }

    private ResilientBackend.Target primary(FakeUpstream fake) {
        return new ResilientBackend.Target("primary", openAi(fake.baseUrl()), null);
    }

    private ResilientBackend.Target fallback(FakeUpstream fake, String model) {
        return new ResilientBackend.Target("fallback", openAi(fake.baseUrl()), model);
    }

    private ResilientBackend resilient(Resilience settings, ResilientBackend.Target... chain) {
        return new ResilientBackend(List.of(chain), settings, clock, new Random(20260101));
    }

    private BackendCall call() {
        CallControl control = watchdog.open(Deadlines.DEFAULTS, Duration.ofMinutes(1));
        return new BackendCall(request(), "m", ClientHeaders.EMPTY, control);
    }

    private static MessagesRequest request() {
        return RequestParser.parseMessages(("{\"model\":\"claude-sonnet\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8));
    }
}
