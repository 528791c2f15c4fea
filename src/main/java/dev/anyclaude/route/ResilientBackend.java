package dev.anyclaude.route;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.RestartableEvents;
import dev.anyclaude.backend.Ticker;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.config.Resilience;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A backend over a chain of upstreams (the primary first, then its fallbacks) that hides their failures
 * while the client has seen nothing: retries with backoff or the upstream's {@code Retry-After}, then the
 * next upstream of the chain; a circuit breaker per upstream stops calling one that keeps failing. Errors
 * that are the request's own (invalid, too long, not authorised) go to the client at once and unchanged.
 * A stream that fails after its 200 but before its first content is retried the same way
 * ({@link RestartableEvents}); after content, failures reach the client.
 */
public final class ResilientBackend implements Backend {

    /**
     * One upstream of the chain.
     *
     * @param label   how logs and error messages name it
     * @param model   the upstream model to ask it for, or null for the call's own
     */
    public record Target(String label, Backend backend, String model) {
        public Target {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(backend, "backend");
        }

        BackendCall callFor(BackendCall call) {
            return model == null ? call : call.withModel(model);
        }
    }

    /** A target with the breaker that guards it. */
    record Link(Target target, CircuitBreaker breaker) {
        String label() {
            return target.label();
        }
    }

    private final List<Link> chain;
    private final Resilience settings;
    private final Backoff backoff;

    /**
     * @param chain    the primary first, then the fallbacks in the order they are tried
     * @param settings retries, backoff, the longest Retry-After honoured, the breakers' thresholds
     *                 (its fallback list is not read: the chain is)
     * @param ticker   the breakers' clock
     * @param random   the backoff jitter; shared by every request, so it must be thread-safe
     */
    public ResilientBackend(List<Target> chain, Resilience settings, Ticker ticker, RandomGenerator random) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one target");
        }
        List<Link> links = new ArrayList<>();
        for (Target target : chain) {
            // a replica set has a breaker per replica: one over the whole set would open on one bad replica's
            // failures and turn away the sessions of the healthy ones
            int failures = target.backend() instanceof ReplicaSet ? 0 : settings.breakerFailures();
            links.add(new Link(target, new CircuitBreaker(target.label(), failures, settings.breakerOpenFor(),
                    ticker)));
        }
        this.chain = List.copyOf(links);
        this.settings = settings;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    }

    @Override
    public String name() {
        return chain.getFirst().target().backend().name();
    }

    @Override
    public boolean relays() {
        return chain.getFirst().target().backend().relays();
    }

    /** The breakers, one per target in chain order (for health reports and tests). */
    public List<CircuitBreaker> breakers() {
        return chain.stream().map(Link::breaker).toList();
    }

    @Override
    public UpstreamReply send(BackendCall call) {
        Failover failover = new Failover(chain, settings, backoff, call);
        UpstreamReply reply = failover.first();
        return reply instanceof UpstreamReply.Events events ? new RestartableEvents(events, failover) : reply;
    }

    @Override
    public OptionalLong countTokens(BackendCall call) {
        return firstAvailable(target -> target.backend().countTokens(target.callFor(call)));
    }

    @Override
    public List<ObjectNode> models() {
        return firstAvailable(target -> target.backend().models());
    }

    /**
     * Asks the first target whose circuit is closed, the next one when it cannot be reached: these calls
     * are small and answered by the client's retry, so nothing waits and no breaker counts them.
     */
    private <T> T firstAvailable(Function<Target, T> ask) {
        return OpenCircuits.firstReachable(chain, Link::breaker, link -> ask.apply(link.target()),
                skipped -> new ApiException(unavailable(chain)));
    }

    /** The error when every upstream's circuit is open: which ones, and when each is tried again. */
    static ApiError unavailable(List<Link> refused) {
        if (refused.isEmpty()) {
            return ApiError.overloaded("no upstream could take the request");
        }
        return OpenCircuits.error("upstream", refused.stream().map(Link::label).toList(),
                refused.stream().map(Link::breaker).toList());
    }
}
