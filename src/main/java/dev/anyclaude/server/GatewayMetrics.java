package dev.anyclaude.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Per-request metrics, exposed in Prometheus format at {@code /metrics}. */
final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();

    GatewayMetrics() {
        Gauge.builder("anyclaude.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Messages requests being handled now")
                .register(registry);
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    /** Waits until no request is in flight; false if some still are after {@code timeout}. */
    boolean awaitNoRequests(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(inFlight, left);
            }
            return true;
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    void request(String endpoint, int status, long millis) {
        Timer.builder("anyclaude.requests")
                .description("Requests handled, by endpoint and HTTP status")
                .tag("endpoint", endpoint)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(Duration.ofMillis(millis));
    }

    String scrape() {
        return registry.scrape();
    }
}
