package dev.anyclaude.route;

import dev.anyclaude.backend.AnthropicBackend;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.OpenAiBackend;
import dev.anyclaude.backend.Ticker;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.backend.WarmStart;
import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Resilience;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;

/** Builds the backend a configuration describes. */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
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
        return create(config, http, env, ticker, random, null);
    }

    /** ... with OpenAI-compatible upstreams remembering their main prompt prefixes in {@code warmStart} (or not: null). */
    public static Backend create(GatewayConfig config, UpstreamHttp http, Map<String, String> env, Ticker ticker,
                                 RandomGenerator random, WarmStart warmStart) {
        Resilience resilience = config.resilience();
        Backend primary = config.replicas().isEmpty() ? single(config, http, env, warmStart)
                : replicas(config, http, env, ticker, warmStart);
        if (resilience.maxRetries() == 0 && resilience.fallbacks().isEmpty() && resilience.breakerFailures() == 0) {
            return primary;
        }
        List<ResilientBackend.Target> chain = new ArrayList<>();
        chain.add(new ResilientBackend.Target(label("primary", config), primary, null));
        int n = 0;
        for (Fallback fallback : resilience.fallbacks()) {
            GatewayConfig settings = fallback.applyTo(config);
            chain.add(new ResilientBackend.Target("fallback " + ++n + " (" + fallback.describe() + ")",
                    settings.replicas().isEmpty() ? single(settings, http, env, warmStart)
                            : replicas(settings, http, env, ticker, warmStart), fallback.model()));
        }
        return new ResilientBackend(chain, resilience, ticker, random);
    }

    /** The base URL and its replicas, each with its own backend and breaker; no retries, no fallbacks. */
    public static ReplicaSet replicas(GatewayConfig config, UpstreamHttp http, Map<String, String> env,
                                      Ticker ticker) {
        return replicas(config, http, env, ticker, null);
    }

    private static ReplicaSet replicas(GatewayConfig config, UpstreamHttp http, Map<String, String> env,
                                       Ticker ticker, WarmStart warmStart) {
        List<ReplicaSet.Replica> replicas = new ArrayList<>();
        for (String url : config.baseUrls()) {
            replicas.add(new ReplicaSet.Replica(url, single(config.withBaseUrl(url), http, env, warmStart)));
        }
        LOG.info("{} replicas of the upstream model: {}; each session sticks to one (rendezvous hashing of its "
                + "id), requests without one go to the least busy", replicas.size(), String.join(", ",
                config.baseUrls()));
        Resilience resilience = config.resilience();
        return new ReplicaSet(replicas, resilience.breakerFailures(), resilience.breakerOpenFor(), ticker);
    }

    /** One upstream, as it is: no retries, no fallbacks. */
    public static Backend single(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
        return single(config, http, env, null);
    }

    private static Backend single(GatewayConfig config, UpstreamHttp http, Map<String, String> env,
                                  WarmStart warmStart) {
        return switch (config.protocol()) {
            case OPENAI -> new OpenAiBackend(config, http, env, warmStart);
            case ANTHROPIC -> new AnthropicBackend(config, http, env);
        };
    }

    private static String label(String role, GatewayConfig config) {
        String where = config.replicas().isEmpty() ? config.baseUrl()
                : config.baseUrls().size() + " replicas from " + config.baseUrl();
        return role + " (" + where + (config.model() == null ? "" : " model " + config.model()) + ")";
    }
}
