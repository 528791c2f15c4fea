package dev.anyclaude.route;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.backend.UpstreamException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What a fallback chain and a replica set both do around their circuit breakers. */
final class OpenCircuits {

    private OpenCircuits() {
    }

    /**
     * Asks the candidates in order and returns the first answer. A candidate whose circuit is not closed is
     * skipped; one that cannot be reached (connection or I/O failure) passes the question on; any other failure
     * is the answer. When none answered: the last unreachable one's failure, or, all skipped, {@code allOpen}
     * of the skipped ones.
     */
    static <C, T> T firstReachable(List<C> candidates, Function<C, CircuitBreaker> breaker, Function<C, T> ask,
                                   Function<List<C>, RuntimeException> allOpen) {
        UpstreamException unreachable = null;
        List<C> skipped = new ArrayList<>();
        for (C candidate : candidates) {
            if (breaker.apply(candidate).state() != CircuitBreaker.State.CLOSED) {
                skipped.add(candidate);
                continue;
            }
            try {
                return ask.apply(candidate);
            } catch (UpstreamException e) {
                if (e.kind() != UpstreamException.Kind.CONNECT && e.kind() != UpstreamException.Kind.IO) {
                    throw e;
                }
                unreachable = e;
            }
        }
        if (unreachable != null) {
            throw unreachable;
        }
        throw allOpen.apply(skipped);
    }

    /**
     * The 529 for a request every {@code what} ("upstream", "replica") refused with an open circuit: each named
     * with when it is tried again, and a retry-after of the soonest (1 s when none is named).
     */
    static ApiError error(String what, List<String> names, List<CircuitBreaker> breakers) {
        StringBuilder which = new StringBuilder();
        Duration soonest = null;
        for (int i = 0; i < names.size(); i++) {
            Duration in = breakers.get(i).retryIn();
            which.append(which.isEmpty() ? "" : "; ").append(names.get(i)).append(in.isZero()
                    ? " (a trial call is under way)" : " (tried again in " + Waits.human(in) + ")");
            soonest = soonest == null || in.compareTo(soonest) < 0 ? in : soonest;
        }
        long seconds = soonest == null ? 1 : Math.max(1, (soonest.toMillis() + 999) / 1000);
        return new ApiError(529, "overloaded_error", "no " + what + " is available: they failed repeatedly and "
                + "their circuits are open: " + which, Map.of("retry-after", Long.toString(seconds)));
    }
}
