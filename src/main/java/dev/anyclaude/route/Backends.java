package dev.anyclaude.route;

import dev.anyclaude.backend.AnthropicBackend;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.OpenAiBackend;
import dev.anyclaude.backend.Ticker;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;

/** Builds the backend a configuration describes. */
public final class Backends {
    private Backends() {
    }

    /** {@link #create(GatewayConfig, UpstreamHttp, Map, Ticker, RandomGenerator)} on the system clock. */
    public static Backend create(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
        // java.util.Random is safe to share between request threads
        return create(config, http, env, Ticker.system(), new Random());
    }

    /**
     * The primary upstream and its fallback chain ({@code config.resilience().fallbacks()}), in a
     * {@link ResilientBackend} when there is anything for one to do: retries, fallbacks or a breaker.
     *
     * @param ticker the circuit breakers' clock
     * @param random the backoff jitter; shared by every request, so it must be thread-safe
     */
    public static Backend create(GatewayConfig config, UpstreamHttp http, Map<String, String> env, Ticker ticker,
                                 RandomGenerator random) {
        Backend primary = single(config, http, env);
        Resilience resilience = config.resilience();
        if (resilience.maxRetries() == 0 && resilience.fallbacks().isEmpty() && resilience.breakerFailures() == 0) {
            return primary;
        }
        List<ResilientBackend.Target> chain = new ArrayList<>();
        chain.add(new ResilientBackend.Target(label("primary", config), primary, null));
        int n = 0;
        for (Fallback fallback : resilience.fallbacks()) {
            GatewayConfig settings = fallback.applyTo(config);
            chain.add(new ResilientBackend.Target("fallback " + ++n + " (" + fallback.describe() + ")",
                    single(settings, http, env), fallback.model()));
        }
        return new ResilientBackend(chain, resilience, ticker, random);
    }

    /** One upstream, as it is: no retries, no fallbacks. */
    public static Backend single(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
        return switch (config.protocol()) {
            case OPENAI -> new OpenAiBackend(config, http, env);
            case ANTHROPIC -> new AnthropicBackend(config, http, env);
        };
    }

    private static String label(String role, GatewayConfig config) {
        return role + " (" + config.baseUrl() + (config.model() == null ? "" : " model " + config.model()) + ")";
    }
}
