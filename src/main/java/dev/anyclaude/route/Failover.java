package dev.anyclaude.route;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.CallControl;
import dev.anyclaude.backend.RestartableEvents;
import dev.anyclaude.backend.UpstreamException;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.config.Resilience;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One request's walk along the chain: its attempts, the waits between them, the move to the next upstream,
 * and the error that ends the walk. It also continues a reply that failed before its first content
 * ({@link RestartableEvents.Continuation}). Used by one request thread at a time; {@link #abandoned()} may
 * come from another.
 */
final class Failover implements RestartableEvents.Continuation {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);

    /** Failures inside a 200 stream that another attempt may cure: rate limits and server faults. */
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 529);
    private static final Set<String> RETRYABLE_TYPES = Set.of("overloaded_error", "rate_limit_error", "api_error");

    private final List<ResilientBackend.Link> chain;
    private final Resilience settings;
    private final Backoff backoff;
    private final BackendCall call;
    private final CallControl control;

    /** The target of the current attempt; -1 before the first. */
    private int index = -1;
    /** Attempts made on the current target. */
    private int attempts;
    private volatile CircuitBreaker.Permit permit;
    /** The error of the last attempt that failed, thrown when the walk ends without an answer. */
    private ApiException lastError;
    private final List<ResilientBackend.Link> refused = new ArrayList<>();
    /** Continuing a reply that failed in its stream: only targets that send events can take over. */
    private boolean eventsOnly;

    Failover(List<ResilientBackend.Link> chain, Resilience settings, Backoff backoff, BackendCall call) {
        this.chain = chain;
        this.settings = settings;
        this.backoff = backoff;
        this.call = call;
        this.control = call.control();
    }

    /** Why an attempt failed, in the terms a retry decision needs. */
    private record Problem(ApiException error, boolean retryable, boolean timeout, Duration retryAfter) {
        static Problem of(UpstreamException e) {
            return new Problem(e, e.retryable(), e.kind() == UpstreamException.Kind.TIMEOUT,
                    e.retryAfter().orElse(null));
        }

        static Problem inStream(ApiError error) {
            boolean retryable = RETRYABLE_STATUSES.contains(error.status()) || RETRYABLE_TYPES.contains(error.type());
            return new Problem(new ApiException(error), retryable, false, null);
        }

        String reason() {
            return error.error().type() + ": " + error.error().message();
        }
    }

    /** The first answer: a reply from some target, or the exception that ends the walk. */
    UpstreamReply first() {
        return attempt(false);
    }

    // ---- RestartableEvents.Continuation ---------------------------------------------------------------------

    @Override
    public void started() {
        CircuitBreaker.Permit p = permit;
        if (p != null) {
            p.success();
        }
    }

    @Override
    public UpstreamReply.Events retry(ApiError failure) {
        Problem problem = Problem.inStream(failure);
        settle(problem);
        eventsOnly = true;
        boolean sameTarget = plan(problem);
        UpstreamReply reply = attempt(sameTarget);
        if (reply instanceof UpstreamReply.Events events) {
            return events;
        }
        // a backend that relays despite saying it does not: its bytes cannot continue an events flow
        reply.close();
        abandoned();
        return null;
    }

    @Override
    public void abandoned() {
        CircuitBreaker.Permit p = permit;
        if (p != null) {
            p.release();
        }
    }

    @Override
    public String upstreamModel() {
        ResilientBackend.Target target = chain.get(Math.max(index, 0)).target();
        return target.model() != null ? target.model() : call.upstreamModel();
    }

    // ---- the walk -------------------------------------------------------------------------------------------

    /**
     * Makes attempts until one returns a reply: first on the current target again when {@code sameTarget},
     * else on the next target whose circuit lets the call through.
     */
    private UpstreamReply attempt(boolean sameTarget) {
        while (true) {
            ResilientBackend.Link link = sameTarget ? retake() : advance();
            if (link == null) {
                throw exhausted();
            }
            try {
                UpstreamReply reply = link.target().backend().send(link.target().callFor(call));
                if (reply instanceof UpstreamReply.Relay relay) {
                    settleRelay(relay.status());
                }
                return reply;
            } catch (UpstreamException e) {
                Problem problem = Problem.of(e);
                settle(problem);
                sameTarget = plan(problem);
            } catch (RuntimeException e) {
                permit.release();
                throw e;
            }
        }
    }

    /** The current target for another attempt, or the next target when its circuit now refuses. */
    private ResilientBackend.Link retake() {
        ResilientBackend.Link link = chain.get(index);
        var granted = link.breaker().tryAcquire();
        if (granted.isEmpty()) {
            LOG.info("{}: circuit now open, no more attempts there", link.label());
            return advance();
        }
        permit = granted.get();
        attempts++;
        return link;
    }

    /** The next target whose circuit grants a permit, or null at the end of the chain. */
    private ResilientBackend.Link advance() {
        ResilientBackend.Link from = index >= 0 ? chain.get(index) : null;
        while (++index < chain.size()) {
            ResilientBackend.Link link = chain.get(index);
            if (eventsOnly && link.target().backend().relays()) {
                LOG.info("{}: skipped, it relays bytes and cannot continue a decoded stream", link.label());
                continue;
            }
            var granted = link.breaker().tryAcquire();
            if (granted.isEmpty()) {
                refused.add(link);
                LOG.info("{}: skipped, its circuit is open{}", link.label(), retryNote(link));
                continue;
            }
            if (from != null && lastError != null) {
                LOG.warn("{} gave up ({}); falling back to {}", from.label(), lastError.error().message(),
                        link.label());
            }
            permit = granted.get();
            attempts = 1;
            return link;
        }
        return null;
    }

    private static String retryNote(ResilientBackend.Link link) {
        Duration in = link.breaker().retryIn();
        return in.isZero() ? " (a trial call is under way)" : " (next trial in " + Waits.human(in) + ")";
    }

    /**
     * What follows a failed attempt: true to try the same target again (the wait is over), false to move
     * on to the next target. Throws when the walk ends here: the call was aborted, or the error is the
     * request's own and no other upstream would answer differently.
     */
    private boolean plan(Problem problem) {
        if (control.aborted()) {
            throw new ApiException(control.abortError(), problem.error());
        }
        if (!problem.retryable() && !problem.timeout()) {
            throw problem.error();
        }
        lastError = problem.error();
        String label = chain.get(index).label();
        Duration remaining = control.remaining();
        if (remaining.isZero()) {
            throw problem.error();
        }
        int allowed = 1 + settings.maxRetries();
        if (problem.timeout()) {
            LOG.info("{}: attempt {}/{} timed out ({}); not retried there", label, attempts, allowed,
                    problem.reason());
            return false;
        }
        if (attempts >= allowed) {
            return false;
        }
        Duration wait;
        if (problem.retryAfter() != null) {
            if (problem.retryAfter().compareTo(settings.maxRetryAfter()) > 0) {
                LOG.info("{}: attempt {}/{} failed ({}) and the upstream asks to wait {}, longer than the {} "
                        + "honoured; no more attempts there", label, attempts, allowed, problem.reason(),
                        Waits.human(problem.retryAfter()), Waits.human(settings.maxRetryAfter()));
                return false;
            }
            wait = problem.retryAfter();
        } else {
            wait = backoff.delay(attempts - 1);
        }
        if (wait.compareTo(remaining) >= 0) {
            LOG.info("{}: attempt {}/{} failed ({}); the wait of {} would outlast the request's deadline",
                    label, attempts, allowed, problem.reason(), Waits.human(wait));
            return false;
        }
        LOG.info("{}: attempt {}/{} failed ({}); retrying in {}", label, attempts, allowed, problem.reason(),
                Waits.human(wait));
        if (!control.pause(wait)) {
            throw new ApiException(control.abortError(), problem.error());
        }
        return true;
    }

    /** The breaker's verdict on a failed attempt. */
    private void settle(Problem problem) {
        CircuitBreaker.Permit p = permit;
        if (problem.retryable()) {
            p.failure();
        } else if (problem.timeout()) {
            ApiError why = control.abortError();
            if (why != null && !"timeout_error".equals(why.type())) {
                p.release(); // the client left: nothing is known about the upstream
            } else {
                p.failure();
            }
        } else {
            p.success(); // it answered; the request was at fault
        }
    }

    /**
     * A relayed reply is the client's to read, errors included, and Anthropic's own error wording is what
     * Claude Code acts on: a relayed error status must not open the circuit (which would answer later calls
     * with our error instead of the upstream's). Only a retryable status leaves the breaker none the wiser.
     */
    private void settleRelay(int status) {
        if (status == 408 || status == 409 || status == 429 || (status >= 500 && status != 501)) {
            permit.release();
        } else {
            permit.success();
        }
    }

    /** The error that ends a walk without an answer. */
    private ApiException exhausted() {
        if (lastError != null) {
            return lastError;
        }
        return new ApiException(ResilientBackend.unavailable(refused));
    }
}
