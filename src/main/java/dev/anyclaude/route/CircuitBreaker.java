package dev.anyclaude.route;

import dev.anyclaude.backend.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stops sending to an upstream that keeps failing. CLOSED lets every call through and counts consecutive
 * failures; {@code failureThreshold} of them open the circuit. OPEN refuses every call for {@code openFor};
 * then HALF_OPEN lets exactly one trial call through (others are refused while it runs): its success
 * closes the circuit, its failure opens it again.
 *
 * <p>A call takes a {@link Permit} and settles it once: {@link Permit#success()}, {@link Permit#failure()},
 * or {@link Permit#release()} when it ended without saying anything about the upstream (the client left).
 * A permit taken before the last change of state no longer counts, so a slow call that started while the
 * circuit was closed cannot reopen it in the middle of a trial.
 */
public final class CircuitBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final String name;
    private final int failureThreshold;
    private final Duration openFor;
    private final Ticker ticker;
    // a lock rather than synchronized: callers are virtual threads
    private final ReentrantLock lock = new ReentrantLock();

    private State state = State.CLOSED;
    private int failures;
    private long openedAt;
    private boolean trialInFlight;
    /** Bumped on every change of state; permits of an older generation are ignored. */
    private long generation;

    /**
     * @param failureThreshold consecutive failures that open the circuit; 0 never opens it
     * @param openFor          how long an open circuit refuses calls before a trial
     */
    public CircuitBreaker(String name, int failureThreshold, Duration openFor, Ticker ticker) {
        if (failureThreshold < 0) {
            throw new IllegalArgumentException("failureThreshold must not be negative, got " + failureThreshold);
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("openFor must be positive, got " + openFor);
        }
        this.name = name;
        this.failureThreshold = failureThreshold;
        this.openFor = openFor;
        this.ticker = ticker;
    }

    public String name() {
        return name;
    }

    /** The state now; an open circuit whose time is up reads HALF_OPEN. */
    public State state() {
        lock.lock();
        try {
            halfOpenIfDue(ticker.nanos());
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** How long until an open circuit lets a trial through; zero when it is not open. */
    public Duration retryIn() {
        lock.lock();
        try {
            long now = ticker.nanos();
            halfOpenIfDue(now);
            return state == State.OPEN ? Duration.ofNanos(openedAt + openFor.toNanos() - now) : Duration.ZERO;
        } finally {
            lock.unlock();
        }
    }

    /** A permit for one call, or empty when the circuit refuses it. */
    public Optional<Permit> tryAcquire() {
        lock.lock();
        try {
            halfOpenIfDue(ticker.nanos());
            return switch (state) {
                case CLOSED -> Optional.of(new Permit(generation, false));
                case OPEN -> Optional.empty();
                case HALF_OPEN -> {
                    if (trialInFlight) {
                        yield Optional.empty();
                    }
                    trialInFlight = true;
                    yield Optional.of(new Permit(generation, true));
                }
            };
        } finally {
            lock.unlock();
        }
    }

    private void halfOpenIfDue(long now) {
        if (state == State.OPEN && now - openedAt >= openFor.toNanos()) {
            moveTo(State.HALF_OPEN);
            trialInFlight = false;
            LOG.info("upstream {}: circuit half-open, the next call is a trial", name);
        }
    }

    private void moveTo(State next) {
        state = next;
        generation++;
    }

    private void open(long now) {
        moveTo(State.OPEN);
        openedAt = now;
        trialInFlight = false;
    }

    private void settle(Permit permit, Outcome outcome) {
        lock.lock();
        try {
            if (permit.generation != generation) {
                return;
            }
            if (permit.trial) {
                switch (outcome) {
                    case SUCCESS -> {
                        moveTo(State.CLOSED);
                        failures = 0;
                        LOG.info("upstream {}: circuit closed, the trial call succeeded", name);
                    }
                    case FAILURE -> {
                        open(ticker.nanos());
                        LOG.warn("upstream {}: circuit open again, the trial call failed; next trial in {}",
                                name, Waits.human(openFor));
                    }
                    case RELEASED -> trialInFlight = false;
                }
                return;
            }
            switch (outcome) {
                case SUCCESS -> failures = 0;
                case FAILURE -> {
                    failures++;
                    if (failureThreshold > 0 && failures >= failureThreshold) {
                        open(ticker.nanos());
                        LOG.warn("upstream {}: circuit open after {} consecutive failures; calls are refused for {}",
                                name, failures, Waits.human(openFor));
                    }
                }
                case RELEASED -> {
                    // says nothing about the upstream
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private enum Outcome { SUCCESS, FAILURE, RELEASED }

    /** The right to make one call; the first of its three outcomes counts, later ones are ignored. */
    public final class Permit {
        private final long generation;
        private final boolean trial;
        private final AtomicBoolean settled = new AtomicBoolean();

        private Permit(long generation, boolean trial) {
            this.generation = generation;
            this.trial = trial;
        }

        /** Whether this is the half-open circuit's single trial call. */
        public boolean trial() {
            return trial;
        }

        /** The upstream answered. */
        public void success() {
            finish(Outcome.SUCCESS);
        }

        /** The upstream failed (unreachable, overloaded, too slow). */
        public void failure() {
            finish(Outcome.FAILURE);
        }

        /** The call ended without telling anything about the upstream; a trial's place is given back. */
        public void release() {
            finish(Outcome.RELEASED);
        }

        private void finish(Outcome outcome) {
            if (settled.compareAndSet(false, true)) {
                settle(this, outcome);
            }
        }
    }
}
