package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.config.Deadlines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the deadlines of every call in flight: one thread checks them all every {@code period} and
 * aborts the overdue ones. Time comes from the injected {@link Ticker}; tests use no thread at all and
 * call {@link #checkNow()} after moving their ticker.
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final Ticker ticker;
    private final Pauser pauser;
    private final Set<CallControl> calls = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopped;

    private Watchdog(Ticker ticker, Pauser pauser, Duration period) {
        this.ticker = ticker;
        this.pauser = pauser;
        if (period == null) {
            this.thread = null;
            return;
        }
        long periodNanos = period.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("anyclaude-watchdog").unstarted(() -> {
            while (!stopped) {
                LockSupport.parkNanos(periodNanos);
                checkNow();
            }
        });
        thread.start();
    }

    /** A watchdog on the system clock that checks every {@code period} (a tenth of a second suits). */
    public static Watchdog start(Duration period) {
        return new Watchdog(Ticker.system(), Pauser.WAIT, period);
    }

    /** A watchdog without a thread: deadlines are checked only when the test calls {@link #checkNow()}. */
    public static Watchdog manual(Ticker ticker, Pauser pauser) {
        return new Watchdog(ticker, pauser, null);
    }

    /** Starts watching a call; closing the control stops watching it. */
    public CallControl open(Deadlines deadlines, Duration headersTimeout) {
        CallControl[] self = new CallControl[1];
        CallControl control = new CallControl(ticker, pauser, deadlines, headersTimeout, () -> forget(self[0]));
        self[0] = control;
        calls.add(control);
        return control;
    }

    /** Aborts every watched call whose deadline has passed. */
    public void checkNow() {
        long now = ticker.nanos();
        for (CallControl call : calls) {
            ApiError overdue = call.overdue(now);
            if (overdue != null && !call.aborted()) {
                LOG.warn("aborting the upstream call: {}", overdue.message());
                try {
                    call.abort(overdue);
                } catch (RuntimeException e) {
                    LOG.warn("aborting an upstream call failed", e);
                }
                forget(call);
            }
        }
    }

    /** The clock the deadlines are kept on (breakers use it too). */
    public Ticker ticker() {
        return ticker;
    }

    private void forget(CallControl call) {
        if (calls.remove(call)) {
            synchronized (calls) {
                calls.notifyAll();
            }
        }
    }

    /** Waits until no call is watched; false if some still are after {@code timeout}. */
    public boolean awaitNoCalls(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (!calls.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
            return true;
        }
    }

    /** Calls being watched now. */
    public int active() {
        return calls.size();
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            Threads.awaitEnd(thread);
        }
    }

    /** Whether the watching thread still runs (for tests: a closed one has ended). */
    boolean running() {
        return thread != null && thread.isAlive();
    }
}
