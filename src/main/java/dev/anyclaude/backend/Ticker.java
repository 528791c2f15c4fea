package dev.anyclaude.backend;

/**
 * A source of monotonic time in nanoseconds, injected wherever a deadline or a breaker needs the time,
 * so tests move time by hand instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
    long nanos();

    static Ticker system() {
        return System::nanoTime;
    }
}
