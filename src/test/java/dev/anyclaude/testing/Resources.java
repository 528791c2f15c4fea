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
        Throwable failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception | AssertionError e) { // a close that checks something fails with an AssertionError
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        switch (failure) {
            case null -> { }
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> throw new IllegalStateException(failure);
        }
    }
}
