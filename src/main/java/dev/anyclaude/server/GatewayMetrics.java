package dev.anyclaude.server;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;

/** Per-request metrics, exposed in Prometheus format at {@code /metrics}. */
final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

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
