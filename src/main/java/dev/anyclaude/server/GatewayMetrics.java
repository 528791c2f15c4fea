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
        inFlight.decrementAndGet();
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
