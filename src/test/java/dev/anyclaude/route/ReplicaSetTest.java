package dev.anyclaude.route;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.CallControl;
import dev.anyclaude.backend.ClientHeaders;
import dev.anyclaude.backend.OpenAiBackend;
import dev.anyclaude.backend.UpstreamException;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.testing.ErrorBodies;
import dev.anyclaude.testing.FakeUpstream;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Replica affinity over real OpenAI backends talking to three scripted upstreams on loopback; each upstream
 * answers with its own name, so the text of a reply says which replica served it. Breaker time is a manual
 * clock.
 */
class ReplicaSetTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Duration OPEN_FOR = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final Watchdog watchdog = Watchdog.manual(clock, clock);
    private final UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final List<FakeUpstream> fakes = new ArrayList<>();

    @AfterEach
    void everyUpstreamConnectionIsReleased() throws Exception {
        try {
            for (FakeUpstream fake : fakes) {
                fake.awaitOpenConnectionsAtMost(0, BOUND);
                assertThat(fake.handlerErrors()).isEmpty();
            }
        } finally {
            http.close();
            fakes.forEach(FakeUpstream::close);
        }
    }

    // ---- affinity ---------------------------------------------------------------------------------------------

    @Test
    void aSessionAlwaysLandsOnTheSameReplica() {
        List<FakeUpstream> three = named(3);
        ReplicaSet set = replicaSet(urls(three));

        Map<String, String> first = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int s = 0; s < 30; s++) {
                String session = "session-" + s;
                String servedBy = answer(set, session);
                assertThat(first.computeIfAbsent(session, k -> servedBy)).as(session).isEqualTo(servedBy);
            }
        }
        assertThat(first.values()).as("30 sessions use every replica").containsOnly("r0", "r1", "r2")
                .contains("r0", "r1", "r2");
        assertThat(set.inFlight()).containsOnly(0);
    }

    @Test
    void manySessionsSpreadEvenlyOverTheReplicas() {
        List<String> urls = List.of("http://gpu-1:8000/v1", "http://gpu-2:8000/v1", "http://gpu-3:8000/v1");
        ReplicaSet set = replicaSet(urls);
        Map<String, Integer> counts = new HashMap<>();
        int sessions = 3000;
        for (int s = 0; s < sessions; s++) {
            counts.merge(set.preference(java.util.UUID.nameUUIDFromBytes(("s" + s).getBytes(StandardCharsets.UTF_8))
                    .toString()).getFirst(), 1, Integer::sum);
        }
        // a fair share is 1000; a binomial standard deviation is about 26, so 10% is several of them
        assertThat(counts).hasSize(3);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(900, 1100));
    }

    @Test
    void twoGatewayInstancesAgreeOnEverySessionsReplica() {
        List<FakeUpstream> three = named(3);
        List<String> urls = urls(three);
        ReplicaSet one = replicaSet(urls);
        // another instance, its own backends and HTTP client, the replicas listed in another order
        UpstreamHttp otherHttp = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(30));
        try {
            ReplicaSet other = replicaSet(List.of(urls.get(2), urls.get(0), urls.get(1)), otherHttp);
            for (int s = 0; s < 30; s++) {
                String session = "agreed-" + s;
                assertThat(answer(other, session)).as(session).isEqualTo(answer(one, session));
            }
            for (int s = 0; s < 1000; s++) {
                assertThat(other.preference("p" + s)).isEqualTo(one.preference("p" + s));
            }
        } finally {
            otherHttp.close();
        }
    }

    @Test
    void theWeightIsFixedByTheCodeAloneSoRestartsAndReleasesAgree() {
        // pinned: a change here moves every session of every fleet to another replica on upgrade
        assertThat(ReplicaSet.weight("session-1", "http://gpu-1:8000/v1"))
                .isEqualTo(ReplicaSet.weight("session-1", "http://gpu-1:8000/v1"))
                .isEqualTo(PINNED_WEIGHT);
        assertThat(ReplicaSet.weight("ab", "c")).isNotEqualTo(ReplicaSet.weight("a", "bc"));
    }

    private static final long PINNED_WEIGHT = 8617012934627478977L;

    // ---- a replica down ---------------------------------------------------------------------------------------

    @Test
    void aDownReplicasSessionsGoToTheirSecondChoiceAndReturnWhenItRecovers() throws Exception {
        List<FakeUpstream> two = named(2);
        int downPort = Ports.free();
        String downUrl = "http://127.0.0.1:" + downPort + "/v1";
        List<String> urls = List.of(two.get(0).baseUrl() + "/v1", two.get(1).baseUrl() + "/v1", downUrl);
        ReplicaSet set = replicaSet(urls, 2);

        List<String> orphans = new ArrayList<>();
        List<String> settled = new ArrayList<>();
        for (int s = 0; orphans.size() < 4 || settled.size() < 6; s++) {
            String session = "fleet-" + s;
            (set.preference(session).getFirst().equals(downUrl) ? orphans : settled).add(session);
        }
        for (String session : orphans) {
            assertThat(answer(set, session)).as(session).isEqualTo(nameOf(set.preference(session).get(1), urls));
        }
        for (String session : settled) {
            assertThat(answer(set, session)).as(session).isEqualTo(nameOf(set.preference(session).getFirst(), urls));
        }
        assertThat(set.breakers().get(2).state()).isEqualTo(CircuitBreaker.State.OPEN);

        // the replica comes back on its port; its breaker lets a trial through once openFor has passed
        FakeUpstream back = FakeUpstream.start(downPort, r -> closing(sse("r2")));
        fakes.add(back);
        assertThat(answer(set, orphans.getFirst())).as("still skipped while open").isNotEqualTo("r2");
        assertThat(back.requests()).isEmpty();
        clock.advance(OPEN_FOR);

        for (String session : orphans) {
            assertThat(answer(set, session)).as(session).isEqualTo("r2");
        }
        for (String session : settled) {
            assertThat(answer(set, session)).as(session).isEqualTo(nameOf(set.preference(session).getFirst(), urls));
        }
        assertThat(set.breakers().get(2).state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void everyReplicaDownIsARetryableOverloadSoFallbacksTakeOver() throws Exception {
        ReplicaSet set = replicaSet(List.of("http://127.0.0.1:" + Ports.free() + "/v1",
                "http://127.0.0.1:" + Ports.free() + "/v1"), 1);
        assertThat(catchThrowableOfType(UpstreamException.class, () -> set.send(call("s")))
                .kind()).isEqualTo(UpstreamException.Kind.CONNECT);

        UpstreamException refused = catchThrowableOfType(UpstreamException.class, () -> set.send(call("s")));

        assertThat(refused.retryable()).isTrue();
        assertThat(refused.error().status()).isEqualTo(529);
        assertThat(refused.error().message()).contains("no replica is available");
    }

    @Test
    void aWholeFleetDownGivesWayToTheFallbackAfterTheRetries() throws Exception {
        FakeUpstream spare = upstream(r -> closing(sse("spare")));
        ReplicaSet set = replicaSet(List.of("http://127.0.0.1:" + Ports.free() + "/v1",
                "http://127.0.0.1:" + Ports.free() + "/v1"), 1);
        ResilientBackend backend = new ResilientBackend(List.of(new ResilientBackend.Target("fleet", set, null),
                new ResilientBackend.Target("spare", openAi(spare), null)),
                Resilience.DEFAULTS.withMaxRetries(1).withBreaker(1, OPEN_FOR), clock, new Random(7));

        assertThat(Replies.text(Replies.pumpAll(backend.send(call("s"))))).isEqualTo("spare");

        assertThat(clock.pauses()).as("one retry on the fleet, its replicas' circuits then open").hasSize(1);
        assertThat(set.breakers()).extracting(CircuitBreaker::state).containsOnly(CircuitBreaker.State.OPEN);
        assertThat(Replies.text(Replies.pumpAll(backend.send(call("t"))))).isEqualTo("spare");
    }

    @Test
    void aReplicaThatKeepsFailingLosesTheSessionThroughRetriesAndTheOthersKeepTheirs() {
        List<FakeUpstream> three = named(3);
        List<String> urls = urls(three);
        String session = "retried";
        int bad = urls.indexOf(replicaSet(urls).preference(session).getFirst());
        three.get(bad).handler(r -> closing(Reply.json(503, ErrorBodies.openAi("busy", "server_error", null))));
        Resilience settings = Resilience.DEFAULTS.withMaxRetries(2).withBreaker(2, OPEN_FOR);
        ReplicaSet set = new ReplicaSet(replicas(urls, http), 2, OPEN_FOR, clock);
        ResilientBackend backend = new ResilientBackend(List.of(new ResilientBackend.Target("fleet", set, null)),
                settings, clock, new Random(7));

        String servedBy = Replies.text(Replies.pumpAll(backend.send(call(session))));

        assertThat(servedBy).isEqualTo(nameOf(set.preference(session).get(1), urls));
        assertThat(three.get(bad).requests()).hasSize(2);
        assertThat(set.breakers().get(bad).state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(backend.breakers().getFirst().state()).as("no breaker over the whole set")
                .isEqualTo(CircuitBreaker.State.CLOSED);
        for (int s = 0; s < 10; s++) {
            String other = "other-" + s;
            String expected = set.preference(other).getFirst().equals(urls.get(bad))
                    ? nameOf(set.preference(other).get(1), urls) : nameOf(set.preference(other).getFirst(), urls);
            assertThat(Replies.text(Replies.pumpAll(backend.send(call(other))))).as(other).isEqualTo(expected);
        }
    }

    // ---- requests without a session ---------------------------------------------------------------------------

    @Test
    void requestsWithoutASessionGoToTheLeastLoadedReplica() {
        List<FakeUpstream> three = named(3, name -> heldOpen(sse(name)));
        ReplicaSet set = replicaSet(urls(three));
        Map<Integer, List<UpstreamReply>> open = new HashMap<>();

        for (int i = 0; i < 3; i++) {
            hold(set, three, open);
        }
        assertThat(set.inFlight()).containsExactly(1, 1, 1);
        int twice = hold(set, three, open);
        assertThat(set.inFlight()).contains(2);
        int freed = (twice + 1) % 3;
        open.remove(freed).forEach(UpstreamReply::close);
        assertThat(set.inFlight().get(freed)).isZero();

        assertThat(hold(set, three, open)).as("the idle replica").isEqualTo(freed);
        assertThat(hold(set, three, open)).as("one of the replicas with one in flight").isNotEqualTo(twice);

        open.values().forEach(replies -> replies.forEach(UpstreamReply::close));
        assertThat(set.inFlight()).containsOnly(0);
    }

    @Test
    void equallyLoadedReplicasTakeSessionlessRequestsInTurn() {
        List<FakeUpstream> three = named(3);
        ReplicaSet set = replicaSet(urls(three));

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            served.add(answer(set, null));
        }

        assertThat(served).containsExactly("r0", "r1", "r2", "r0", "r1", "r2");
    }

    // ---- count_tokens and models ------------------------------------------------------------------------------

    @Test
    void countTokensAndModelsAskAReplicaThatIsUp() throws Exception {
        FakeUpstream live = upstream(r -> closing(r.path().endsWith("/tokenize") ? Reply.json(200, "{\"count\":42}")
                : Reply.json(200, "{\"data\":[{\"id\":\"fleet-model\",\"created\":1}]}")));
        List<String> urls = List.of("http://127.0.0.1:" + Ports.free() + "/v1", live.baseUrl() + "/v1",
                "http://127.0.0.1:" + Ports.free() + "/v1");
        ReplicaSet set = new ReplicaSet(replicas(urls, http, "vllm"), 2, OPEN_FOR, clock);

        for (int i = 0; i < 3; i++) {
            List<ObjectNode> models = set.models();
            assertThat(models).extracting(m -> m.get("id").asString()).containsExactly("fleet-model");
        }
        for (int s = 0; s < 3; s++) {
            assertThat(set.countTokens(call("count-" + s))).hasValue(42);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** The replica (by the index in {@code open}'s fakes) a sessionless call went to, its reply kept open. */
    private int hold(ReplicaSet set, List<FakeUpstream> three, Map<Integer, List<UpstreamReply>> open) {
        int[] before = three.stream().mapToInt(f -> f.requests().size()).toArray();
        UpstreamReply reply = set.send(call(null));
        for (int i = 0; i < three.size(); i++) {
            if (three.get(i).requests().size() > before[i]) {
                open.computeIfAbsent(i, k -> new ArrayList<>()).add(reply);
                return i;
            }
        }
        reply.close();
        throw new AssertionError("no replica saw the request");
    }

    private List<FakeUpstream> named(int n) {
        return named(n, name -> closing(sse(name)));
    }

    /** {@code n} upstreams; the i-th answers "ri". */
    private List<FakeUpstream> named(int n, Function<String, Reply> reply) {
        List<FakeUpstream> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "r" + i;
            list.add(upstream(r -> reply.apply(name)));
        }
        return list;
    }

    private static List<String> urls(List<FakeUpstream> fakes) {
        return fakes.stream().map(f -> f.baseUrl() + "/v1").toList();
    }

    /** The name of the replica at {@code url}: "r" and its index in {@code urls}. */
    private static String nameOf(String url, List<String> urls) {
        return "r" + urls.indexOf(url);
    }

    private ReplicaSet replicaSet(List<String> urls) {
        return replicaSet(urls, http);
    }

    private ReplicaSet replicaSet(List<String> urls, UpstreamHttp client) {
        return new ReplicaSet(replicas(urls, client), 5, OPEN_FOR, clock);
    }

    private ReplicaSet replicaSet(List<String> urls, int breakerFailures) {
        return new ReplicaSet(replicas(urls, http), breakerFailures, OPEN_FOR, clock);
    }

    private static List<ReplicaSet.Replica> replicas(List<String> urls, UpstreamHttp client) {
        return replicas(urls, client, "auto");
    }

    private static List<ReplicaSet.Replica> replicas(List<String> urls, UpstreamHttp client, String flavor) {
        return urls.stream().map(url -> new ReplicaSet.Replica(url, (Backend) new OpenAiBackend(
                GatewayConfig.of(url, Protocol.OPENAI).withFlavor(flavor), client, Map.of()))).toList();
    }

    private Backend openAi(FakeUpstream fake) {
        return new OpenAiBackend(GatewayConfig.of(fake.baseUrl(), Protocol.OPENAI), http, Map.of());
    }

    /** The name of the replica that answered the session's call. */
    private String answer(ReplicaSet set, String session) {
        return Replies.text(Replies.pumpAll(set.send(call(session))));
    }

    private FakeUpstream upstream(Function<RecordedRequest, Reply> handler) {
        FakeUpstream fake = FakeUpstream.start(handler);
        fakes.add(fake);
        return fake;
    }

    private static Reply sse(String text) {
        return OpenAiSse.chat("m").role().text(text).finish("stop").usage(10, 2, 0).done().reply();
    }

    private static Reply closing(Reply reply) {
        return reply.withHeader("Connection", "close");
    }

    private static Reply heldOpen(Reply reply) {
        return reply.withFraming(FakeUpstream.Framing.CHUNKED).withHoldAt(reply.body().length);
    }

    private BackendCall call(String session) {
        CallControl control = watchdog.open(Deadlines.DEFAULTS, Duration.ofMinutes(1));
        ClientHeaders headers = session == null ? ClientHeaders.EMPTY
                : new ClientHeaders(Map.of("X-Claude-Code-Session-Id", List.of(session)));
        return new BackendCall(request(), "m", headers, control);
    }

    private static MessagesRequest request() {
        return RequestParser.parseMessages(("{\"model\":\"claude-sonnet\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8));
    }
}
