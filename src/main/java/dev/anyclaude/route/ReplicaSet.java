package dev.anyclaude.route;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.Ticker;
import dev.anyclaude.backend.UpstreamException;
import dev.anyclaude.backend.UpstreamReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One upstream model served by several base URLs (a vLLM or llama.cpp fleet), as one backend.
 *
 * <p>Each call gets an order of the replicas and goes to the first whose circuit lets it through; a replica
 * that cannot be connected to (the request never reached it) passes the call to the next one at once. Other
 * failures go to the caller unchanged, so a {@link ResilientBackend} around the set retries them with its
 * backoff, and each new attempt asks the set for an order again: by then a failing replica's breaker may have
 * opened, and the attempt lands on the next replica.
 *
 * <p>The order of a call with a session id is the session's rendezvous (highest-random-weight) order: each
 * replica is weighed by a fixed 64-bit hash of (session id, replica URL), highest first. It depends on nothing
 * but the id and the URLs, so every gateway instance configured with the same URLs, and a restarted one,
 * sends a session to the same replica, the one whose KV cache holds its prompt; adding or removing a replica
 * moves only the sessions that go to, or were on, that replica. A session whose replica is down moves to its
 * second choice (sessions of the other replicas stay put) and <em>returns</em> when its replica recovers.
 * That is the trade-off: after each move the session's next turn prefills its whole prompt again on a cold
 * cache, but staying away would leave a recovered replica idle and its load on the others for good.
 *
 * <p>A call without a session goes to the replica with the fewest calls in flight through this set (ties in
 * turn), then the next least loaded ones. In flight means from sending until the reply was read or closed;
 * other gateway instances' load is not seen.
 *
 * <p>Each replica has its own {@link CircuitBreaker}: connection failures, retryable statuses and timeouts
 * count against it, any answer for it.
 */
public final class ReplicaSet implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSet.class);

    /** A replica as configured: its base URL (its identity for hashing) and the backend that talks to it. */
    public record Replica(String url, Backend backend) {
        public Replica {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(backend, "backend");
        }
    }

    private record Member(Replica replica, CircuitBreaker breaker, AtomicInteger inFlight) {
        String url() {
            return replica.url();
        }
    }

    private final List<Member> members;
    /** Where the next tie between equally loaded replicas starts. */
    private final AtomicInteger turn = new AtomicInteger();

    /**
     * @param replicas        at least one, URLs distinct
     * @param breakerFailures consecutive failures that open a replica's circuit (0: never)
     * @param breakerOpenFor  how long an open circuit skips its replica before a trial call
     * @param ticker          the breakers' clock
     */
    public ReplicaSet(List<Replica> replicas, int breakerFailures, Duration breakerOpenFor, Ticker ticker) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a replica set needs at least one replica");
        }
        List<Member> list = new ArrayList<>();
        for (Replica replica : replicas) {
            if (list.stream().anyMatch(m -> m.url().equals(replica.url()))) {
                throw new IllegalArgumentException("replica " + replica.url() + " is listed twice");
            }
            list.add(new Member(replica, new CircuitBreaker("replica " + replica.url(), breakerFailures,
                    breakerOpenFor, ticker), new AtomicInteger()));
        }
        this.members = List.copyOf(list);
    }

    @Override
    public String name() {
        return members.getFirst().replica().backend().name();
    }

    @Override
    public boolean relays() {
        return members.getFirst().replica().backend().relays();
    }

    /** The replicas' URLs in configuration order. */
    public List<String> urls() {
        return members.stream().map(Member::url).toList();
    }

    /** The breakers, one per replica in configuration order (for health reports and tests). */
    public List<CircuitBreaker> breakers() {
        return members.stream().map(Member::breaker).toList();
    }

    /** The calls in flight per replica, in configuration order. */
    public List<Integer> inFlight() {
        return members.stream().map(m -> m.inFlight().get()).toList();
    }

    /** The session's rendezvous order of the replica URLs, first choice first, whatever their state. */
    public List<String> preference(String sessionId) {
        return rendezvous(sessionId).stream().map(Member::url).toList();
    }

    @Override
    public UpstreamReply send(BackendCall call) {
        String session = call.sessionId();
        List<Member> order = order(session);
        List<Member> refused = new ArrayList<>();
        UpstreamException unreachable = null;
        for (Member member : order) {
            Optional<CircuitBreaker.Permit> granted = member.breaker().tryAcquire();
            if (granted.isEmpty()) {
                refused.add(member);
                continue;
            }
            CircuitBreaker.Permit permit = granted.get();
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} -> replica {}{}", session == null ? "request without a session"
                        : "session " + session, member.url(), member == order.getFirst() ? ""
                        : " (first choice " + order.getFirst().url() + " is down)");
            }
            member.inFlight().incrementAndGet();
            try {
                UpstreamReply reply = member.replica().backend().send(call);
                settleReply(permit, reply);
                // in flight until the reply was read to its end or closed
                return UpstreamReply.onEnd(reply, member.inFlight()::decrementAndGet);
            } catch (UpstreamException e) {
                member.inFlight().decrementAndGet();
                settleFailure(permit, e, call);
                if (e.kind() != UpstreamException.Kind.CONNECT) {
                    throw e;
                }
                LOG.info("replica {} cannot be reached ({}); trying the next one", member.url(),
                        e.error().message());
                unreachable = e;
            } catch (RuntimeException e) {
                member.inFlight().decrementAndGet();
                permit.release();
                throw e;
            }
        }
        if (unreachable != null) {
            throw unreachable;
        }
        throw allOpen(refused);
    }

    @Override
    public OptionalLong countTokens(BackendCall call) {
        return firstLive(order(call.sessionId()), backend -> backend.countTokens(call));
    }

    @Override
    public List<ObjectNode> models() {
        return firstLive(order(null), Backend::models);
    }

    /**
     * Asks the first replica whose circuit is closed, the next one when it cannot be reached: these calls
     * are small and answered by the client's retry, so no breaker counts them.
     */
    private <T> T firstLive(List<Member> order, Function<Backend, T> ask) {
        return OpenCircuits.firstReachable(order, Member::breaker, member -> ask.apply(member.replica().backend()),
                ReplicaSet::allOpen);
    }

    // ---- the order of a call --------------------------------------------------------------------------------

    private List<Member> order(String session) {
        return session == null ? byLoad() : rendezvous(session);
    }

    private List<Member> rendezvous(String session) {
        List<Member> order = new ArrayList<>(members);
        order.sort(Comparator.comparingLong((Member m) -> weight(session, m.url())).reversed()
                .thenComparing(Member::url));
        return order;
    }

    /** Fewest in flight first; equal loads in turn, starting one further on each call. */
    private List<Member> byLoad() {
        int n = members.size();
        int start = Math.floorMod(turn.getAndIncrement(), n);
        // the loads are read once: they change while the list is sorted
        Map<Member, Integer> load = new IdentityHashMap<>();
        List<Member> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Member member = members.get((start + i) % n);
            load.put(member, member.inFlight().get());
            order.add(member);
        }
        order.sort(Comparator.comparingInt(load::get)); // stable: ties keep the turn's order
        return order;
    }

    /**
     * The rendezvous weight of a replica for a session: FNV-1a over the UTF-8 bytes of the id, a zero byte and
     * the URL, then MurmurHash3's 64-bit finaliser so that ids differing in one character spread. Fixed by
     * this code alone (no seed, no {@code hashCode}): every instance and every restart computes the same.
     */
    static long weight(String session, String url) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, session.getBytes(StandardCharsets.UTF_8));
        h *= 0x100000001b3L; // a zero byte: ("ab", "c") and ("a", "bc") weigh differently
        h = fnv(h, url.getBytes(StandardCharsets.UTF_8));
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    // ---- breakers and load ----------------------------------------------------------------------------------

    /** As {@link Failover}: a relayed error status is the client's to read and says nothing against the replica. */
    private static void settleReply(CircuitBreaker.Permit permit, UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Relay relay) {
            int status = relay.status();
            if (status == 408 || status == 409 || status == 429 || (status >= 500 && status != 501)) {
                permit.release();
                return;
            }
        }
        permit.success();
    }

    private static void settleFailure(CircuitBreaker.Permit permit, UpstreamException e, BackendCall call) {
        if (e.retryable()) {
            permit.failure();
        } else if (e.kind() == UpstreamException.Kind.TIMEOUT) {
            ApiError why = call.control().abortError();
            if (why != null && !"timeout_error".equals(why.type())) {
                permit.release(); // the client left: nothing is known about the replica
            } else {
                permit.failure();
            }
        } else {
            permit.success(); // it answered; the request was at fault
        }
    }

    /** Every replica's circuit is open: retryable, so a fallback chain around the set moves on. */
    private static UpstreamException allOpen(List<Member> refused) {
        ApiError error = OpenCircuits.error("replica", refused.stream().map(Member::url).toList(),
                refused.stream().map(Member::breaker).toList());
        return UpstreamException.status(error, 529, null);
    }
}
