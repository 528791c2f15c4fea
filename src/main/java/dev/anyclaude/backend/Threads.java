package dev.anyclaude.backend;

import java.time.Duration;

/** Helpers for the gateway's own long-lived threads. */
public final class Threads {
    /** How long a close waits for a thread told to stop: far more than a wake-up and one last look takes. */
    static final Duration END_WAIT = Duration.ofSeconds(5);

    private Threads() {
    }

    /**
     * Waits until {@code thread}, already told to stop, has ended, so that what closes it leaves no thread
     * behind; not when called on that thread itself. An interrupt ends the wait and stays set.
     */
    public static void awaitEnd(Thread thread) {
        if (thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(END_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
