package dev.anyclaude.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What happens when an upstream fails before anything reached the client: retries with exponential
 * backoff and jitter (connection failures, 429, 500/502/503/529), a bounded wait for {@code Retry-After},
 * then the next entry of the fallback chain; a per-upstream circuit breaker stops hammering one that is
 * down.
 *
 * @param maxRetries       retries per upstream after the first attempt (0: none)
 * @param initialBackoff   the first wait; each later one doubles, up to {@code maxBackoff}, with full jitter
 * @param maxBackoff       the longest wait between two attempts
 * @param maxRetryAfter    the longest {@code Retry-After} honoured; a longer one ends the attempts on that
 *                         upstream (the next fallback is tried, or the client gets the 429 with the header)
 * @param breakerFailures  consecutive failures that open an upstream's circuit (0: no breaker)
 * @param breakerOpenFor   how long an open circuit refuses calls before one trial call is let through
 * @param fallbacks        tried in order once the primary upstream gave up
 */
public record Resilience(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
                         int breakerFailures, Duration breakerOpenFor, List<Fallback> fallbacks) {
    public static final Resilience DEFAULTS = new Resilience(2, Duration.ofMillis(500), Duration.ofSeconds(8),
            Duration.ofSeconds(30), 5, Duration.ofSeconds(30), List.of());

    /** One attempt, no breaker, no fallbacks: each request goes to the upstream exactly once. */
    public static final Resilience NONE = new Resilience(0, Duration.ofMillis(500), Duration.ofSeconds(8),
            Duration.ofSeconds(30), 0, Duration.ofSeconds(30), List.of());

    public Resilience {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(breakerOpenFor, "breakerOpenFor");
        Settings.requireAtLeast(maxRetries, 0, "retries");
        Settings.requireAtLeast(breakerFailures, 0, "breakerFailures");
        Settings.requirePositive(initialBackoff, "retryBackoff");
        Settings.requirePositive(maxBackoff, "maxRetryBackoff");
        Settings.requirePositive(breakerOpenFor, "breakerOpenFor");
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must not be negative, got " + maxRetryAfter);
        }
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }

    public Resilience withMaxRetries(int n) {
        return new Resilience(n, initialBackoff, maxBackoff, maxRetryAfter, breakerFailures, breakerOpenFor, fallbacks);
    }

    public Resilience withBackoff(Duration initial, Duration max) {
        return new Resilience(maxRetries, initial, max, maxRetryAfter, breakerFailures, breakerOpenFor, fallbacks);
    }

    public Resilience withMaxRetryAfter(Duration d) {
        return new Resilience(maxRetries, initialBackoff, maxBackoff, d, breakerFailures, breakerOpenFor, fallbacks);
    }

    public Resilience withBreaker(int failures, Duration openFor) {
        return new Resilience(maxRetries, initialBackoff, maxBackoff, maxRetryAfter, failures, openFor, fallbacks);
    }

    public Resilience withFallbacks(List<Fallback> chain) {
        return new Resilience(maxRetries, initialBackoff, maxBackoff, maxRetryAfter, breakerFailures, breakerOpenFor,
                chain);
    }
}
