package dev.anyclaude.route;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} (0 for the first) is uniform in
 * {@code [0, min(max, initial × 2^n)]}, so clients that failed together do not come back together.
 *
 * @param random must be safe to share between threads (every request draws from it)
 */
record Backoff(Duration initial, Duration max, RandomGenerator random) {

    /** The ceiling of retry {@code n}'s wait, before jitter. */
    Duration ceiling(int n) {
        long cap = max.toNanos();
        long wait = initial.toNanos();
        for (int i = 0; i < n && wait < cap; i++) {
            wait = wait > cap / 2 ? cap : wait * 2;
        }
        return Duration.ofNanos(Math.min(wait, cap));
    }

    /** The wait before retry {@code n}: a random point of {@code [0, ceiling(n)]}. */
    Duration delay(int n) {
        long ceiling = ceiling(n).toNanos();
        return Duration.ofNanos(random.nextLong(ceiling + 1));
    }
}
