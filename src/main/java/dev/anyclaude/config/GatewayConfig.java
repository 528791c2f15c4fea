package dev.anyclaude.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of one gateway: where it listens, which upstream it talks to and how.
 *
 * @param baseUrl         the upstream base URL, normalised: an OpenAI one ends in {@code /v1} (or the
 *                        server's own version path), an Anthropic one has no {@code /v1}
 * @param apiKeyEnv       the environment variable that holds the upstream key, or null for none
 * @param model           the upstream model for Claude Code's own model names that have no tier model, or
 *                        null to forward them; names that are not Claude names always go upstream unchanged
 *                        (the rules are in {@code route.ModelMap})
 * @param flavor          the OpenAI-compatible server kind ({@code auto}, {@code openai}, {@code openrouter},
 *                        {@code vllm}, {@code llamacpp}, {@code ollama}, {@code lmstudio}, {@code mlx},
 *                        {@code generic}); decides reasoning controls and extra fields
 * @param relay           Anthropic protocol only: relay bytes verbatim (true), decode events (false),
 *                        or decide by host (null: relay to anthropic.com, decode elsewhere)
 * @param maxOutputTokens cap applied to a request's {@code max_tokens}, or null for none
 * @param pingInterval    silence on a client stream after which a {@code ping} event is sent; it keeps
 *                        clients and intermediaries from timing out and reveals a client that has gone
 * @param toolFormat      how tool calls a model writes as text are recovered: a format name, {@code none},
 *                        or {@code auto} (the model family's format by the upstream model's name, else
 *                        recognised from the first call); checked when the gateway starts
 * @param deadlines       first-token, idle and total deadlines of an upstream response
 * @param resilience      retries, circuit breaker and fallback chain
 * @param guards          request size limit and the loop guard's thresholds
 * @param tiers           upstream models for Claude Code's opus, sonnet and haiku names; a tier without one
 *                        takes {@code model}
 * @param replicas        more base URLs serving the same model as {@code baseUrl} (which is replica 0),
 *                        normalised like it; a session sticks to one of them (see {@code route.ReplicaSet})
 */
public record GatewayConfig(
        String host,
        int port,
        String baseUrl,
        Protocol protocol,
        String apiKeyEnv,
        String model,
        String flavor,
        Boolean relay,
        Integer maxOutputTokens,
        Duration connectTimeout,
        Duration headersTimeout,
        Duration pingInterval,
        String toolFormat,
        Deadlines deadlines,
        Resilience resilience,
        Guards guards,
        TierModels tiers,
        List<String> replicas) {

    public static final String DEFAULT_TOOL_FORMAT = "auto";
    /** Pings double as the probe that notices a client that has gone: two missed ones and the upstream is cancelled. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMillis(300);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Local models can take minutes to prefill a long prompt before the first header arrives. */
    public static final Duration DEFAULT_HEADERS_TIMEOUT = Duration.ofMinutes(10);

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(baseUrl, "baseUrl");
        baseUrl = normaliseBaseUrl(baseUrl, protocol);
        flavor = flavor == null ? "auto" : flavor.toLowerCase(Locale.ROOT);
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        headersTimeout = headersTimeout == null ? DEFAULT_HEADERS_TIMEOUT : headersTimeout;
        pingInterval = pingInterval == null ? DEFAULT_PING_INTERVAL : pingInterval;
        toolFormat = toolFormat == null || toolFormat.isBlank() ? DEFAULT_TOOL_FORMAT
                : toolFormat.strip().toLowerCase(Locale.ROOT);
        deadlines = deadlines == null ? Deadlines.DEFAULTS : deadlines;
        resilience = resilience == null ? Resilience.DEFAULTS : resilience;
        guards = guards == null ? Guards.DEFAULTS : guards;
        tiers = tiers == null ? TierModels.NONE : tiers;
        model = model == null || model.isBlank() ? null : model.strip();
        replicas = normaliseReplicas(baseUrl, replicas, protocol);
        requirePositive(pingInterval, "pingInterval");
        // the JDK HTTP client only refuses these when it uses them: at start-up, or on every request
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(headersTimeout, "headersTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be positive, got " + maxOutputTokens);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Settings.requirePositive(duration, name);
    }

    /** The settings of a single upstream: no replicas. */
    public GatewayConfig(String host, int port, String baseUrl, Protocol protocol, String apiKeyEnv, String model,
                         String flavor, Boolean relay, Integer maxOutputTokens, Duration connectTimeout,
                         Duration headersTimeout, Duration pingInterval, String toolFormat, Deadlines deadlines,
                         Resilience resilience, Guards guards, TierModels tiers) {
        this(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens, connectTimeout,
                headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards, tiers, null);
    }

    /** The settings without tier models: every Claude name goes to {@code model}. */
    public GatewayConfig(String host, int port, String baseUrl, Protocol protocol, String apiKeyEnv, String model,
                         String flavor, Boolean relay, Integer maxOutputTokens, Duration connectTimeout,
                         Duration headersTimeout, Duration pingInterval, String toolFormat, Deadlines deadlines,
                         Resilience resilience, Guards guards) {
        this(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens, connectTimeout,
                headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards, null);
    }

    /** The settings before deadlines, resilience and guards existed: those take their defaults. */
    public GatewayConfig(String host, int port, String baseUrl, Protocol protocol, String apiKeyEnv, String model,
                         String flavor, Boolean relay, Integer maxOutputTokens, Duration connectTimeout,
                         Duration headersTimeout, Duration pingInterval, String toolFormat) {
        this(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens, connectTimeout,
                headersTimeout, pingInterval, toolFormat, null, null, null);
    }

    /** The settings before {@code toolFormat} existed; the tool format is {@code auto}. */
    public GatewayConfig(String host, int port, String baseUrl, Protocol protocol, String apiKeyEnv, String model,
                         String flavor, Boolean relay, Integer maxOutputTokens, Duration connectTimeout,
                         Duration headersTimeout, Duration pingInterval) {
        this(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens, connectTimeout,
                headersTimeout, pingInterval, null);
    }

    /** A minimal configuration for an upstream, listening on an ephemeral loopback port. */
    public static GatewayConfig of(String baseUrl, Protocol protocol) {
        return new GatewayConfig("127.0.0.1", 0, baseUrl, protocol, null, null, null, null, null, null, null, null);
    }

    public GatewayConfig withModel(String newModel) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, newModel, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withApiKeyEnv(String newApiKeyEnv) {
        return new GatewayConfig(host, port, baseUrl, protocol, newApiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withFlavor(String newFlavor) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, newFlavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withRelay(Boolean newRelay) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, newRelay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withPingInterval(Duration interval) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, interval, toolFormat, deadlines, resilience, guards, tiers, replicas);
    }

    public GatewayConfig withMaxOutputTokens(Integer cap) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, cap,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withToolFormat(String format) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, format, deadlines, resilience, guards, tiers, replicas);
    }

    public GatewayConfig withTimeouts(Duration connect, Duration headers) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connect, headers, pingInterval, toolFormat, deadlines, resilience, guards, tiers, replicas);
    }

    public GatewayConfig withDeadlines(Deadlines newDeadlines) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, newDeadlines, resilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withResilience(Resilience newResilience) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, newResilience, guards,
                tiers, replicas);
    }

    public GatewayConfig withGuards(Guards newGuards) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, newGuards,
                tiers, replicas);
    }

    public GatewayConfig withTiers(TierModels newTiers) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards,
                newTiers, replicas);
    }

    public GatewayConfig withReplicas(List<String> newReplicas) {
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards, tiers,
                newReplicas);
    }

    /** The same settings for another base URL of the fleet (one replica's own backend); no replicas of its own. */
    public GatewayConfig withBaseUrl(String url) {
        return new GatewayConfig(host, port, url, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat, deadlines, resilience, guards, tiers, null);
    }

    /** Every base URL that serves this upstream's model: {@code baseUrl} (replica 0), then {@code replicas}. */
    public List<String> baseUrls() {
        List<String> all = new ArrayList<>(1 + replicas.size());
        all.add(baseUrl);
        all.addAll(replicas);
        return List.copyOf(all);
    }

    /** The host part of the base URL, lower-cased. */
    public String upstreamHost() {
        String h = URI.create(baseUrl).getHost();
        return h == null ? "" : h.toLowerCase(Locale.ROOT);
    }

    private static List<String> normaliseReplicas(String baseUrl, List<String> replicas, Protocol protocol) {
        if (replicas == null || replicas.isEmpty()) {
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        seen.add(baseUrl);
        for (String replica : replicas) {
            String url = normaliseBaseUrl(Objects.requireNonNull(replica, "replica"), protocol);
            if (!seen.add(url)) {
                // a URL twice would get twice the sessions, and two breakers for one server
                throw new IllegalArgumentException("replica " + url + " is listed twice (the base URL is replica 0)");
            }
        }
        return List.copyOf(seen).subList(1, seen.size());
    }

    /**
     * OpenAI SDKs take a base URL ending in {@code /v1}; Anthropic SDKs take one without. Each form is
     * accepted for either protocol: a bare OpenAI URL gets {@code /v1}, an Anthropic URL loses it.
     */
    static String normaliseBaseUrl(String url, Protocol protocol) {
        String trimmed = url.strip();
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base URL is not a valid URL: " + trimmed, e);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("base URL must be an http:// or https:// URL with a host: " + trimmed);
        }
        // schemes are case-insensitive (RFC 3986); the lower-case form is the one code compares against
        trimmed = scheme + trimmed.substring(scheme.length());
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        String path = URI.create(trimmed).getPath();
        boolean versioned = path != null && path.matches(".*/v\\d+(beta)?$");
        return switch (protocol) {
            case OPENAI -> versioned || (path != null && path.endsWith("/openai")) ? trimmed : trimmed + "/v1";
            case ANTHROPIC -> trimmed.endsWith("/v1") ? trimmed.substring(0, trimmed.length() - 3) : trimmed;
        };
    }
}
