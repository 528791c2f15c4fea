package dev.anyclaude.route;

import dev.anyclaude.backend.AnthropicBackend;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.OpenAiBackend;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackendsTest {

    private final UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1));
    private final GatewayConfig base = GatewayConfig.of("http://127.0.0.1:9/v1", Protocol.OPENAI).withModel("main");

    @AfterEach
    void close() {
        http.close();
    }

    private Backend create(GatewayConfig config) {
        return Backends.create(config, http, Map.of(), new ManualClock(), new Random(1));
    }

    @Test
    void nothingToDoLeavesTheBackendBare() {
        Backend backend = create(base.withResilience(Resilience.DEFAULTS.withMaxRetries(0).withBreaker(0,
                Duration.ofSeconds(1))));

        assertThat(backend).isInstanceOf(OpenAiBackend.class);
    }

    @Test
    void theDefaultsRetryAndGuardThePrimaryWithABreaker() {
        Backend backend = create(base);

        assertThat(backend).isInstanceOf(ResilientBackend.class);
        assertThat(((ResilientBackend) backend).breakers()).extracting(CircuitBreaker::name)
                .containsExactly("primary (http://127.0.0.1:9/v1 model main)");
    }

    @Test
    void fallbacksFollowThePrimaryInOrder() {
        Resilience chain = Resilience.DEFAULTS.withMaxRetries(0).withBreaker(0, Duration.ofSeconds(1))
                .withFallbacks(List.of(Fallback.parse("model=cheap"),
                        Fallback.parse("url=https://api.anthropic.com,protocol=anthropic")));

        Backend backend = create(base.withResilience(chain));

        assertThat(backend).isInstanceOf(ResilientBackend.class);
        assertThat(((ResilientBackend) backend).breakers()).extracting(CircuitBreaker::name).containsExactly(
                "primary (http://127.0.0.1:9/v1 model main)", "fallback 1 (model cheap)",
                "fallback 2 (https://api.anthropic.com)");
        assertThat(backend.name()).isEqualTo(Backends.single(base, http, Map.of()).name());
    }

    @Test
    void replicasMakeTheTargetAReplicaSetWithABreakerEach() {
        GatewayConfig fleet = base.withReplicas(List.of("http://127.0.0.1:10/v1", "http://127.0.0.1:11/v1"));

        Backend bare = create(fleet.withResilience(Resilience.DEFAULTS.withMaxRetries(0).withBreaker(0,
                Duration.ofSeconds(1))));
        Backend backend = create(fleet);

        assertThat(bare).isInstanceOf(ReplicaSet.class);
        assertThat(((ReplicaSet) bare).urls()).containsExactly("http://127.0.0.1:9/v1", "http://127.0.0.1:10/v1",
                "http://127.0.0.1:11/v1");
        assertThat(backend).isInstanceOf(ResilientBackend.class);
        assertThat(((ResilientBackend) backend).breakers()).extracting(CircuitBreaker::name)
                .containsExactly("primary (3 replicas from http://127.0.0.1:9/v1 model main)");
        assertThat(Backends.replicas(fleet, http, Map.of(), new ManualClock()).breakers())
                .extracting(CircuitBreaker::name).containsExactly("replica http://127.0.0.1:9/v1",
                        "replica http://127.0.0.1:10/v1", "replica http://127.0.0.1:11/v1");
    }

    @Test
    void aFallbackOnTheSameUpstreamRunsOnItsReplicasAndOneElsewhereDoesNot() {
        GatewayConfig fleet = base.withReplicas(List.of("http://127.0.0.1:10/v1"));

        assertThat(Fallback.parse("model=cheap").applyTo(fleet).baseUrls()).isEqualTo(fleet.baseUrls());
        assertThat(Fallback.parse("url=http://127.0.0.1:12/v1").applyTo(fleet).baseUrls())
                .containsExactly("http://127.0.0.1:12/v1");
    }

    @Test
    void theDefaultsRetryAndBreakOnTheSystemClock() {
        assertThat(Backends.create(base, http, Map.of())).isInstanceOf(ResilientBackend.class);
        assertThat(Backends.single(base, http, Map.of())).isInstanceOf(OpenAiBackend.class);
    }

    @Test
    void aRelayingFallbackIsAnAnthropicRelay() {
        Backend relay = Backends.single(Fallback.parse("url=https://api.anthropic.com,protocol=anthropic")
                .applyTo(base), http, Map.of());

        assertThat(relay).isInstanceOf(AnthropicBackend.class);
        assertThat(relay.relays()).isTrue();
    }
}
