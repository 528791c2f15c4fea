package dev.anyclaude.server;

import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GatewayServer#upstreams}: every base URL the gateway may send to, which its warm-up looks at to set
 * up TLS ahead of the first request when one of them is https.
 */
class GatewayUpstreamsTest {

    @Test
    void theReplicasAndTheFallbacksWithAUrlOfTheirOwn() {
        GatewayConfig config = GatewayConfig.of("http://127.0.0.1:8000/v1", Protocol.OPENAI)
                .withReplicas(List.of("http://127.0.0.1:8001/v1"))
                .withResilience(Resilience.DEFAULTS.withFallbacks(List.of(Fallback.parse("model=cheap"),
                        Fallback.parse("url=https://openrouter.ai/api/v1,model=big"))));

        assertThat(GatewayServer.upstreams(config)).containsExactly("http://127.0.0.1:8000/v1",
                "http://127.0.0.1:8001/v1", "https://openrouter.ai/api/v1");
    }
}
