package dev.anyclaude.testing;

import dev.anyclaude.backend.CallControl;
import dev.anyclaude.backend.Pauser;
import dev.anyclaude.backend.Ticker;
import dev.anyclaude.backend.Watchdog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Time for tests: a {@link Ticker} moved by hand, and a {@link Pauser} that records each wait and moves the
 * ticker by it instead of sleeping. A hook can act during a wait (abort the call, as a client that leaves).
 */
public final class ManualClock implements Ticker, Pauser {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Duration> pauses = new ArrayList<>();
    private volatile BiConsumer<CallControl, Duration> duringPause = (control, wait) -> {
    };

    @Override
    public long nanos() {
        return nanos.get();
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public void pause(CallControl control, Duration duration) {
        synchronized (pauses) {
            pauses.add(duration);
        }
        duringPause.accept(control, duration);
        advance(duration);
    }

    /** Runs {@code hook} in every wait, before time moves. */
    public void duringPause(BiConsumer<CallControl, Duration> hook) {
        this.duringPause = hook;
    }

    /** The waits so far, in order. */
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
