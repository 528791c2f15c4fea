package dev.anyclaude.testing;

import java.util.ArrayList;
import java.util.List;

/** What a test started, to be closed last-started first (a gateway before the upstream it was started on). */
public final class Started implements AutoCloseable {

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Notes {@code resource} and hands it back. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        started.add(resource);
        return resource;
    }

    /** Closes everything noted, newest first, each even when another fails (see {@link Resources#closeInOrder}). */
    @Override
    public void close() {
        AutoCloseable[] newestFirst;
        synchronized (this) {
            newestFirst = started.reversed().toArray(AutoCloseable[]::new);
            started.clear();
        }
        Resources.closeInOrder(newestFirst);
    }
}
