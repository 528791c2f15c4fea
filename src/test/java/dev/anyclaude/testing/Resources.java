package dev.anyclaude.testing;

/** Closing what a test class started. */
public final class Resources {

    private Resources() {
    }

    /**
     * Closes each resource that is not null, in the order given (a gateway before its upstream), every one of
     * them even when an earlier one fails; the first failure is then thrown, the others added to it.
     */
    public static void closeInOrder(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
