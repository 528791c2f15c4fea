package dev.anyclaude.backend;

import java.time.Duration;

/**
 * How a call waits between attempts. The real one blocks (an abort ends the wait early); a test's one
 * records the wait and moves its {@link Ticker} instead.
 */
@FunctionalInterface
public interface Pauser {
    Pauser WAIT = (control, duration) -> control.awaitAbort(duration.toNanos());

    void pause(CallControl control, Duration duration);
}
