package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deadlines and the cancellation of one client request's upstream calls (all its attempts). The
 * upstream code reports progress (attempt sent, headers in, bytes read, first content); a {@link Watchdog}
 * compares that with the deadlines and aborts an overdue call; the server aborts it when the client has
 * gone. Aborting runs whatever the current attempt registered (cancel the pending exchange, close the
 * body being read), so a thread blocked on the upstream wakes at once and finds {@link #abortError()}.
 */
public final class CallControl implements AutoCloseable {
    private final Ticker ticker;
    private final Runnable onClose;
    private final long headersNanos;
    private final long firstTokenNanos;
    private final long idleNanos;
    private final long totalNanos;
    private final Deadlines deadlines;
    private final java.time.Duration headersTimeout;
    private final long startedAt;
    private final Pauser pauser;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition abortedSignal = lock.newCondition();
    private Runnable abortAction;
    private volatile ApiError abortedWith;

    private volatile Runnable whileWaiting;

    private volatile long attemptAt;
    private volatile long lastReadAt;
    private volatile boolean headersIn;
    private volatile boolean contentSeen;
    private volatile boolean inAttempt;

    CallControl(Ticker ticker, Pauser pauser, Deadlines deadlines, Duration headersTimeout, Runnable onClose) {
        this.ticker = ticker;
        this.pauser = pauser;
        this.deadlines = deadlines;
        this.headersTimeout = headersTimeout;
        this.onClose = onClose;
        this.headersNanos = headersTimeout.toNanos();
        this.firstTokenNanos = deadlines.firstToken().toNanos();
        this.idleNanos = deadlines.idle().toNanos();
        this.totalNanos = deadlines.total().toNanos();
        this.startedAt = ticker.nanos();
        this.attemptAt = startedAt;
        this.lastReadAt = startedAt;
    }

    /** A control without deadlines that nothing watches: for tools and tests that call a backend directly. */
    public static CallControl unwatched() {
        Duration forever = Duration.ofDays(365);
        return new CallControl(Ticker.system(), Pauser.WAIT, new Deadlines(forever, forever, forever), forever, () -> {
        });
    }

    // ---- progress, reported by the upstream code -----------------------------------------------------------

    /** A new attempt is being sent: headers and idle deadlines start again; first token and total do not. */
    public void attemptStarted() {
        long now = ticker.nanos();
        attemptAt = now;
        lastReadAt = now;
        headersIn = false;
        inAttempt = true;
    }

    /** The attempt is over (failed before its response, or its response was read to the end). */
    public void attemptEnded() {
        inAttempt = false;
    }

    /**
     * Work for the caller's thread to do each time an attempt's request is on its way and the upstream works
     * on it: the gateway counts the prompt's tokens there and sets the parsed request aside, instead of doing
     * either before the request goes out.
     */
    public void whileWaiting(Runnable work) {
        this.whileWaiting = work;
    }

    /** The attempt's request is on its way: runs the {@link #whileWaiting} work, if any. */
    public void requestSent() {
        Runnable work = whileWaiting;
        if (work != null) {
            work.run();
        }
    }

    public void headersReceived() {
        lastReadAt = ticker.nanos();
        headersIn = true;
    }

    public void bytesRead() {
        lastReadAt = ticker.nanos();
    }

    /** True while an attempt has been in flight for at least {@code duration} without any content yet. */
    public boolean waitingLongerThan(Duration duration) {
        return inAttempt && !contentSeen && ticker.nanos() - attemptAt >= duration.toNanos();
    }

    /** The model produced its first output (text, reasoning or a tool call). */
    public void contentStarted() {
        contentSeen = true;
    }

    public boolean contentSeen() {
        return contentSeen;
    }

    /** Passes events on, noting the first content. */
    public ModelEventSink observing(ModelEventSink next) {
        return event -> {
            if (!contentSeen && (event instanceof ModelEvent.TextDelta || event instanceof ModelEvent.ThinkingDelta
                    || event instanceof ModelEvent.ToolCall || event instanceof ModelEvent.RedactedThinking)) {
                contentSeen = true;
            }
            next.accept(event);
        };
    }

    /** Wraps a response body so each read counts as progress and an abort closes it. */
    public InputStream watch(InputStream body) {
        Watched watched = new Watched(body);
        onAbort(() -> {
            try {
                watched.close();
            } catch (IOException ignored) {
                // closing is all an abort can do
            }
        });
        return watched;
    }

    /** A body whose reads count as this call's progress ({@link #watch}). */
    final class Watched extends FilterInputStream {
        private final AtomicBoolean closed = new AtomicBoolean();

        Watched(InputStream body) {
            super(body);
        }

        /** The body itself, for reading past the end of the call's content ({@link UpstreamHttp#finishReading}). */
        InputStream unwatched() {
            return in;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            bytesRead();
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            bytesRead();
            return n;
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                super.close();
            }
        }
    }

    // ---- deadlines ----------------------------------------------------------------------------------------

    /** The error for the first deadline that has passed at {@code now}, or null when none has. */
    public ApiError overdue(long now) {
        if (now - startedAt > totalNanos) {
            return timeout("the request took longer than the total deadline of " + human(deadlines.total()));
        }
        if (!inAttempt) {
            return null;
        }
        if (!headersIn && now - attemptAt > headersNanos) {
            return timeout("the upstream sent no response headers within " + human(headersTimeout));
        }
        if (!contentSeen && now - attemptAt > firstTokenNanos) {
            return timeout("the model produced no output within " + human(deadlines.firstToken())
                    + " of the request (first-token deadline)");
        }
        if (headersIn && now - lastReadAt > idleNanos) {
            return timeout("the upstream sent nothing for " + human(deadlines.idle()) + " (idle deadline)");
        }
        return null;
    }

    /** Time left before the total deadline, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, totalNanos - (ticker.nanos() - startedAt)));
    }

    private static ApiError timeout(String message) {
        return new ApiError(504, "timeout_error", message);
    }

    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        if (s < 120 || s % 60 != 0) {
            return s + " s";
        }
        return s / 60 + " min";
    }

    // ---- cancellation ---------------------------------------------------------------------------------------

    /**
     * What an abort must do to the attempt in flight; replaces the previous action. Runs at once when the
     * call was already aborted.
     */
    public void onAbort(Runnable action) {
        lock.lock();
        try {
            if (abortedWith == null) {
                abortAction = chain(abortAction, action);
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    /** Forgets the current attempt's abort actions (it ended; the next attempt registers its own). */
    public void clearAbortActions() {
        lock.lock();
        try {
            abortAction = null;
        } finally {
            lock.unlock();
        }
    }

    private static Runnable chain(Runnable first, Runnable second) {
        if (first == null) {
            return second;
        }
        return () -> {
            try {
                first.run();
            } finally {
                second.run();
            }
        };
    }

    /** Aborts the call with {@code why}; only the first abort counts. */
    public void abort(ApiError why) {
        Runnable action;
        lock.lock();
        try {
            if (abortedWith != null) {
                return;
            }
            abortedWith = why;
            action = abortAction;
            abortAction = null;
            abortedSignal.signalAll();
        } finally {
            lock.unlock();
        }
        if (action != null) {
            action.run();
        }
    }

    public boolean aborted() {
        return abortedWith != null;
    }

    /** Why the call was aborted, or null. */
    public ApiError abortError() {
        return abortedWith;
    }

    /**
     * Waits {@code duration} (a retry backoff), cut short by an abort or by the total deadline.
     *
     * @return false when the call was aborted meanwhile
     */
    public boolean pause(Duration duration) {
        Duration wait = duration.compareTo(remaining()) < 0 ? duration : remaining();
        pauser.pause(this, wait);
        return abortedWith == null;
    }

    /** Blocks for up to {@code nanos} real nanoseconds, returning early on an abort. */
    void awaitAbort(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (abortedWith == null && left > 0) {
                left = abortedSignal.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Stops watching this call. */
    @Override
    public void close() {
        onClose.run();
    }

}
