package dev.anyclaude.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test started, to be closed last-started first (a gateway before the upstream it was started on). As a
 * {@code @RegisterExtension} field it closes what it holds after each test.
 */
public final class Started implements AutoCloseable, AfterEachCallback {

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Notes {@code resource} and hands it back. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        started.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
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
