package dev.anyclaude.testing;

import dev.anyclaude.backend.CallControl;
import dev.anyclaude.backend.Pauser;
import dev.anyclaude.backend.Ticker;
import dev.anyclaude.backend.Watchdog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when the test says so: a {@link Ticker} for deadlines and breakers, and a
 * {@link Pauser} that records each retry wait and moves the time by it instead of sleeping.
 */
public final class ManualClock implements Ticker, Pauser {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> pauses = new ArrayList<>();

    @Override
    public long nanos() {
        return nanos.get();
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Override
    public void pause(CallControl control, Duration duration) {
        synchronized (pauses) {
            pauses.add(duration);
        }
        advance(duration);
    }

    /** The waits retries asked for, in order. */
    public List<Duration> pauses() {
        synchronized (pauses) {
            return List.copyOf(pauses);
        }
    }

    /** A watchdog on this clock that checks deadlines only when the test calls {@link Watchdog#checkNow()}. */
    public Watchdog watchdog() {
        return Watchdog.manual(this, this);
    }
}
