package dev.anyclaude.launch;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The environment {@code claude} runs in when anyclaude launches it: the user's own, plus what makes Claude Code
 * talk to the gateway and behave well on a model that is not Claude. Pure: it reads no environment itself, the
 * caller passes the user's.
 *
 * <p>Rules:
 * <ul>
 *   <li>{@code ANTHROPIC_BASE_URL} always points at the gateway: that is what launching through anyclaude means.
 *       {@code CLAUDE_CODE_USE_BEDROCK}, {@code _VERTEX} and {@code _FOUNDRY} are removed for the same reason:
 *       each makes Claude Code ignore the base URL.</li>
 *   <li>Every other variable is only added, never overridden: a value the user set (even an empty one) wins.</li>
 *   <li>A placeholder credential is added only when the gateway does not pass the client's credentials on
 *       (an OpenAI upstream, a key of the gateway's own, an Anthropic-compatible server it decodes) and the user
 *       has none. It goes in {@code ANTHROPIC_AUTH_TOKEN}, not {@code ANTHROPIC_API_KEY}: an unknown
 *       {@code ANTHROPIC_API_KEY} makes interactive Claude Code stop at "Detected a custom API key … use it?"
 *       with "No" preselected, while a token is used without asking. When the client's credentials go to Anthropic
 *       (or to a server the gateway relays to verbatim), the user's own (key, token or login) are left alone.</li>
 *   <li>The context window goes in both {@code CLAUDE_CODE_MAX_CONTEXT_TOKENS} (honoured for model names Claude
 *       Code does not know) and {@code CLAUDE_CODE_AUTO_COMPACT_WINDOW} (honoured for the ones it knows, such as
 *       its default {@code claude-opus-5-5}, down to its floor of 100k). Measured on Claude Code 2.1.328.</li>
 *   <li>{@code API_TIMEOUT_MS} is the gateway's total deadline plus a minute, so the gateway's own deadlines
 *       (which end a stream with a clear error) fire before Claude Code gives up on a slow local model.</li>
 * </ul>
 *
 * @param gatewayUrl            the gateway's URL as Claude Code should use it, {@code http://127.0.0.1:PORT}
 * @param usesClientCredentials true when the gateway sends the client's own credentials upstream
 * @param contextWindow         the model's context window in tokens, when known
 * @param maxOutputTokens       the most output tokens a request should ask for, when known
 * @param apiTimeout            Claude Code's per-request timeout
 * @param models                Claude Code's model variables ({@code ANTHROPIC_MODEL}, {@code ANTHROPIC_DEFAULT_*_MODEL})
 *                              naming the configured upstream models, so Claude Code asks for them by name: an id
 *                              it does not know is also what makes it use the context window given above
 */
public record ClaudeEnvironment(String gatewayUrl, boolean usesClientCredentials, OptionalInt contextWindow,
                                OptionalInt maxOutputTokens, Duration apiTimeout, Map<String, String> models) {

    public static final String BASE_URL = "ANTHROPIC_BASE_URL";
    public static final String API_KEY = "ANTHROPIC_API_KEY";
    public static final String AUTH_TOKEN = "ANTHROPIC_AUTH_TOKEN";
    public static final String DISABLE_NONESSENTIAL_TRAFFIC = "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC";
    public static final String MAX_CONTEXT_TOKENS = "CLAUDE_CODE_MAX_CONTEXT_TOKENS";
    public static final String AUTO_COMPACT_WINDOW = "CLAUDE_CODE_AUTO_COMPACT_WINDOW";
    public static final String MAX_OUTPUT_TOKENS = "CLAUDE_CODE_MAX_OUTPUT_TOKENS";
    public static final String API_TIMEOUT_MS = "API_TIMEOUT_MS";
    /** Each makes Claude Code talk to a cloud provider directly, ignoring {@code ANTHROPIC_BASE_URL}. */
    public static final List<String> BYPASSING_VARIABLES =
            List.of("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY");
    /** The credential Claude Code sends when the upstream needs none from it; the gateway ignores it. */
    public static final String PLACEHOLDER_TOKEN = "anyclaude-placeholder";
    /** Added to the gateway's total deadline, so that the gateway's error reaches Claude Code first. */
    public static final Duration API_TIMEOUT_MARGIN = Duration.ofMinutes(1);

    public ClaudeEnvironment {
        Objects.requireNonNull(gatewayUrl, "gatewayUrl");
        Objects.requireNonNull(contextWindow, "contextWindow");
        Objects.requireNonNull(maxOutputTokens, "maxOutputTokens");
        Objects.requireNonNull(apiTimeout, "apiTimeout");
        models = models == null ? Map.of() : Map.copyOf(models);
        requirePositive(contextWindow, "context window");
        requirePositive(maxOutputTokens, "max output tokens");
        if (apiTimeout.isNegative() || apiTimeout.isZero()) {
            throw new IllegalArgumentException("API timeout must be positive, got " + apiTimeout);
        }
    }

    /**
     * The environment for a gateway with {@code config} listening on {@code host:port}; {@code contextWindow} is
     * the window the user configured, if any.
     */
    public static ClaudeEnvironment forGateway(GatewayConfig config, String host, int port, OptionalInt contextWindow) {
        OptionalInt maxOutput = config.maxOutputTokens() == null ? OptionalInt.empty()
                : OptionalInt.of(config.maxOutputTokens());
        return new ClaudeEnvironment(gatewayUrl(host, port), usesClientCredentials(config), contextWindow, maxOutput,
                config.deadlines().total().plus(API_TIMEOUT_MARGIN), modelVariables(config));
    }

    /**
     * The configured upstream models as Claude Code's model variables: the default as its main model, the tier
     * models as its opus, sonnet and haiku aliases (haiku also serves its background requests). None for an
     * upstream that is Anthropic itself.
     */
    static Map<String, String> modelVariables(GatewayConfig config) {
        Map<String, String> models = new LinkedHashMap<>();
        if (usesClientCredentials(config)) {
            return models;
        }
        if (config.model() != null) {
            models.put("ANTHROPIC_MODEL", config.model());
        }
        if (config.tiers().opus() != null) {
            models.put("ANTHROPIC_DEFAULT_OPUS_MODEL", config.tiers().opus());
        }
        if (config.tiers().sonnet() != null) {
            models.put("ANTHROPIC_DEFAULT_SONNET_MODEL", config.tiers().sonnet());
        }
        if (config.tiers().haiku() != null) {
            models.put("ANTHROPIC_DEFAULT_HAIKU_MODEL", config.tiers().haiku());
        }
        return models;
    }

    /**
     * The hook for context-window discovery: a window the upstream reported is used when the user configured
     * none. A configured window always wins, since the user may want less than the model can take.
     */
    public ClaudeEnvironment withDiscoveredContextWindow(OptionalInt discovered) {
        Objects.requireNonNull(discovered, "discovered");
        if (contextWindow.isPresent() || discovered.isEmpty()) {
            return this;
        }
        return new ClaudeEnvironment(gatewayUrl, usesClientCredentials, discovered, maxOutputTokens, apiTimeout,
                models);
    }

    /** The complete environment for {@code claude}: {@code userEnv} with the gateway's settings applied. */
    public Map<String, String> applyTo(Map<String, String> userEnv) {
        Map<String, String> env = new LinkedHashMap<>(userEnv);
        BYPASSING_VARIABLES.forEach(env::remove);
        env.putAll(additions(userEnv));
        return env;
    }

    /** The variables {@link #applyTo} sets, with their values: what anyclaude changes in the user's environment. */
    public Map<String, String> additions(Map<String, String> userEnv) {
        Map<String, String> added = new LinkedHashMap<>();
        added.put(BASE_URL, gatewayUrl);
        if (!usesClientCredentials && isBlank(userEnv.get(API_KEY)) && isBlank(userEnv.get(AUTH_TOKEN))) {
            added.put(AUTH_TOKEN, PLACEHOLDER_TOKEN);
        }
        addUnlessSet(added, userEnv, DISABLE_NONESSENTIAL_TRAFFIC, "1");
        if (contextWindow.isPresent()) {
            String window = Integer.toString(contextWindow.getAsInt());
            addUnlessSet(added, userEnv, MAX_CONTEXT_TOKENS, window);
            addUnlessSet(added, userEnv, AUTO_COMPACT_WINDOW, window);
        }
        if (maxOutputTokens.isPresent()) {
            addUnlessSet(added, userEnv, MAX_OUTPUT_TOKENS, Integer.toString(maxOutputTokens.getAsInt()));
        }
        addUnlessSet(added, userEnv, API_TIMEOUT_MS, Long.toString(apiTimeout.toMillis()));
        models.forEach((name, value) -> addUnlessSet(added, userEnv, name, value));
        return added;
    }

    /** The variables {@link #applyTo} removes that the user had set. */
    public List<String> removals(Map<String, String> userEnv) {
        return BYPASSING_VARIABLES.stream().filter(userEnv::containsKey).toList();
    }

    /**
     * True when the gateway passes the client's credentials upstream and they matter: an Anthropic upstream with no
     * key of the gateway's own that is Anthropic itself, or any server it relays to verbatim.
     */
    public static boolean usesClientCredentialsFor(GatewayConfig config) {
        return usesClientCredentials(config);
    }

    static boolean usesClientCredentials(GatewayConfig config) {
        if (config.protocol() != Protocol.ANTHROPIC || config.apiKeyEnv() != null) {
            return false;
        }
        String host = config.upstreamHost();
        return host.equals("anthropic.com") || host.endsWith(".anthropic.com") || Boolean.TRUE.equals(config.relay());
    }

    /** A URL a local client can reach the gateway on: a wildcard listen address is reached over loopback. */
    static String gatewayUrl(String host, int port) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            h = "127.0.0.1";
        } else if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + port;
    }

    private static void addUnlessSet(Map<String, String> added, Map<String, String> userEnv, String name,
                                     String value) {
        if (!userEnv.containsKey(name)) {
            added.put(name, value);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static void requirePositive(OptionalInt value, String name) {
        if (value.isPresent() && value.getAsInt() < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value.getAsInt());
        }
    }
}
