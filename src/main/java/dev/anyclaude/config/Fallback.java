package dev.anyclaude.config;

import java.util.Locale;

/**
 * One entry of a fallback chain: another upstream, another model on the same upstream, or both. A null
 * field takes the primary upstream's value.
 *
 * @param baseUrl   the upstream base URL, or null for the primary's
 * @param protocol  how to talk to it, or null for the primary's
 * @param model     the upstream model, or null for the primary's choice
 * @param apiKeyEnv the variable holding its key, or null for the primary's
 * @param flavor    the OpenAI-compatible server kind, or null for {@code auto} (same URL: the primary's)
 */
public record Fallback(String baseUrl, Protocol protocol, String model, String apiKeyEnv, String flavor) {

    public Fallback {
        if (baseUrl == null && model == null) {
            throw new IllegalArgumentException("a fallback needs a url, a model, or both");
        }
    }

    /**
     * Parses {@code url=URL,model=NAME,protocol=openai|anthropic,api-key-env=VAR,flavor=KIND} (any subset
     * with a url or a model); a bare value without {@code =} is a URL if it looks like one, else a model.
     */
    public static Fallback parse(String spec) {
        String baseUrl = null;
        Protocol protocol = null;
        String model = null;
        String apiKeyEnv = null;
        String flavor = null;
        for (String part : spec.split(",")) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                if (item.startsWith("http://") || item.startsWith("https://")) {
                    baseUrl = item;
                } else {
                    model = item;
                }
                continue;
            }
            String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).strip();
            switch (key) {
                case "url", "base-url", "baseurl" -> baseUrl = value;
                case "model" -> model = value;
                case "protocol" -> protocol = parseProtocol(value);
                case "api-key-env", "apikeyenv" -> apiKeyEnv = value;
                case "flavor" -> flavor = value;
                default -> throw new IllegalArgumentException("fallback '" + spec + "': unknown key '" + key
                        + "' (known: url, model, protocol, api-key-env, flavor)");
            }
        }
        try {
            return new Fallback(baseUrl, protocol, model, apiKeyEnv, flavor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fallback '" + spec + "': " + e.getMessage(), e);
        }
    }

    private static Protocol parseProtocol(String value) {
        try {
            return Protocol.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fallback protocol must be openai or anthropic, got '" + value + "'", e);
        }
    }

    /**
     * The gateway settings for this fallback's upstream: the primary's, with this entry's fields. A fallback
     * without a URL runs on the primary's replicas too.
     */
    public GatewayConfig applyTo(GatewayConfig primary) {
        String url = baseUrl != null ? baseUrl : primary.baseUrl();
        Protocol proto = protocol != null ? protocol : primary.protocol();
        String kind = flavor != null ? flavor : baseUrl == null ? primary.flavor() : null;
        return new GatewayConfig(primary.host(), primary.port(), url, proto,
                apiKeyEnv != null ? apiKeyEnv : primary.apiKeyEnv(), model != null ? model : primary.model(),
                kind, baseUrl == null ? primary.relay() : null, primary.maxOutputTokens(), primary.connectTimeout(),
                primary.headersTimeout(), primary.pingInterval(), primary.toolFormat(), primary.deadlines(),
                primary.resilience().withFallbacks(java.util.List.of()), primary.guards(), null,
                baseUrl == null ? primary.replicas() : null);
    }

    /** For logs: what this entry changes. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (baseUrl != null) {
            s.append(baseUrl);
        }
        if (model != null) {
            s.append(s.isEmpty() ? "" : " ").append("model ").append(model);
        }
        return s.toString();
    }
}
