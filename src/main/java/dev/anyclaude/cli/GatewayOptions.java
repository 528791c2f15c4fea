package dev.anyclaude.cli;

import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Guards;
import dev.anyclaude.config.Mode;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.config.TierModels;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's flags, shared by every command that runs one. Each flag's value can also come from
 * {@code .anyclauderc.json} (its long name in camelCase, see {@link RcDefaults}); {@link #toConfig(int)}
 * turns them, with the {@code --mode} preset under them, into the gateway's settings.
 */
final class GatewayOptions {

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
            completionCandidates = ModeNames.class,
            description = "Upstream preset: ${COMPLETION-CANDIDATES}. Sets the base URL, protocol, key variable and "
                    + "flavor; each of those flags overrides its part.")
    Mode mode;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--base-url",
            description = "Upstream base URL, e.g. http://127.0.0.1:8000/v1 (OpenAI) or https://api.anthropic.com (Anthropic) "
                    + "(default: the mode's).")
    String baseUrl;

    @Option(names = "--replica", paramLabel = "URL", split = RcDefaults.LIST_SPLIT, splitSynopsisLabel = "",
            description = "Another base URL serving the same model as --base-url (a vLLM or llama.cpp fleet): each "
                    + "Claude Code session sticks to one replica, the next one takes it while it is down, requests "
                    + "without a session go to the least busy. Repeatable.")
    List<String> replicas = new ArrayList<>();

    @Option(names = "--protocol",
            description = "How to talk to the upstream: ${COMPLETION-CANDIDATES} (default: the mode's, else openai).")
    Protocol protocol;

    @Option(names = "--api-key-env", description = "Environment variable holding the upstream API key (default: the mode's).")
    String apiKeyEnv;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Upstream model for Claude Code's model names (claude-*, opus, sonnet, haiku) that have no "
                    + "tier model below; names that are not Claude names go upstream unchanged. "
                    + "Without it Claude names go upstream unchanged too.")
    String model;

    @Option(names = "--opus-model", paramLabel = "NAME",
            description = "Upstream model for claude-opus-* and opus (default: --model).")
    String opusModel;

    @Option(names = "--sonnet-model", paramLabel = "NAME",
            description = "Upstream model for claude-sonnet-* and sonnet, also Claude Code's auto-mode classifier "
                    + "(default: --model).")
    String sonnetModel;

    @Option(names = "--haiku-model", paramLabel = "NAME",
            description = "Upstream model for claude-haiku-* and haiku: Claude Code's background requests "
                    + "(session titles) when it sends them with a haiku name (default: --model).")
    String haikuModel;

    @Option(names = "--flavor",
            description = "OpenAI-compatible server kind: auto, openai, openrouter, vllm, llamacpp, ollama, lmstudio, mlx, generic "
                    + "(default: the mode's, else auto).")
    String flavor;

    @Option(names = "--relay", arity = "1",
            description = "Anthropic protocol: relay bytes verbatim (true) or decode events (false). Default: relay to anthropic.com, decode elsewhere.")
    Boolean relay;

    @Option(names = "--max-output-tokens", description = "Cap on a request's max_tokens (for servers with small context windows).")
    Integer maxOutputTokens;

    @Option(names = "--tool-format", defaultValue = GatewayConfig.DEFAULT_TOOL_FORMAT,
            description = "How to recover tool calls a model writes as text: a format name (see `anyclaude parse --help`), "
                    + "none, or auto: the model family's format by the upstream model's name, else recognised from the "
                    + "first call (default: ${DEFAULT-VALUE}).")
    String toolFormat;

    @Option(names = "--warm-start", arity = "1", defaultValue = "false",
            description = "Remember the system prompt and tools of the last main request per upstream and model "
                    + "(in ~/.anyclaude/warm/), and on start send them upstream once, with one output token, so the "
                    + "server's prompt cache holds them before the first turn. OpenAI-compatible upstreams only "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean warmStart;

    // ---- time ------------------------------------------------------------------------------------------

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = Units.DurationConverter.class,
            description = "Time to wait for the upstream connection (default: ${DEFAULT-VALUE}). Durations: 500ms, 10s, 3m, 1h; a bare number is seconds.")
    Duration connectTimeout;

    @Option(names = "--headers-timeout", defaultValue = "10m", converter = Units.DurationConverter.class,
            description = "Time to wait for the upstream's response headers; local models may prefill for minutes (default: ${DEFAULT-VALUE}).")
    Duration headersTimeout;

    @Option(names = "--first-token-timeout", defaultValue = "10m", converter = Units.DurationConverter.class,
            description = "Time from sending a request to the model's first output (default: ${DEFAULT-VALUE}).")
    Duration firstTokenTimeout;

    @Option(names = "--idle-timeout", defaultValue = "3m", converter = Units.DurationConverter.class,
            description = "Longest silence of an upstream response once it started (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--total-timeout", defaultValue = "30m", converter = Units.DurationConverter.class,
            description = "Longest time for a whole request, retries included (default: ${DEFAULT-VALUE}).")
    Duration totalTimeout;

    @Option(names = "--ping-interval", defaultValue = "300ms", converter = Units.DurationConverter.class,
            description = "Silence on a client stream after which a ping event is sent; pings also reveal a client that has gone, "
                    + "so the upstream is cancelled within about two intervals (default: ${DEFAULT-VALUE}).")
    Duration pingInterval;

    @Option(names = "--commit-after", defaultValue = "500ms", converter = Units.DurationConverter.class,
            description = "How long a streaming response waits on a silent upstream before it starts (message_start) so pings can flow; "
                    + "failures before that are HTTP errors, after it error events (default: ${DEFAULT-VALUE}).")
    Duration commitAfter;

    // ---- failures --------------------------------------------------------------------------------------

    @Option(names = "--retries", defaultValue = "2",
            description = "Retries per upstream for connection failures, 429 and 500/502/503/529 before any output (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--retry-backoff", defaultValue = "500ms", converter = Units.DurationConverter.class,
            description = "First wait before a retry; doubles each time, with jitter (default: ${DEFAULT-VALUE}).")
    Duration retryBackoff;

    @Option(names = "--max-retry-backoff", defaultValue = "8s", converter = Units.DurationConverter.class,
            description = "Longest wait between two attempts (default: ${DEFAULT-VALUE}).")
    Duration maxRetryBackoff;

    @Option(names = "--max-retry-after", defaultValue = "30s", converter = Units.DurationConverter.class,
            description = "Longest Retry-After honoured; a longer one moves on to the next fallback (default: ${DEFAULT-VALUE}).")
    Duration maxRetryAfter;

    @Option(names = "--breaker-failures", defaultValue = "5",
            description = "Consecutive failures that open an upstream's circuit; 0 disables the breaker (default: ${DEFAULT-VALUE}).")
    int breakerFailures;

    @Option(names = "--breaker-open-for", defaultValue = "30s", converter = Units.DurationConverter.class,
            description = "How long an open circuit skips its upstream before one trial call (default: ${DEFAULT-VALUE}).")
    Duration breakerOpenFor;

    @Option(names = "--fallback", paramLabel = "SPEC", split = RcDefaults.LIST_SPLIT, splitSynopsisLabel = "",
            description = "A fallback upstream, tried in the order given once the primary gave up: "
                    + "url=URL,model=NAME,protocol=openai|anthropic,api-key-env=VAR,flavor=KIND (a model alone: same upstream, another model). Repeatable.")
    List<String> fallbacks = new ArrayList<>();

    // ---- guards ----------------------------------------------------------------------------------------

    @Option(names = "--max-body-size", defaultValue = "32m", converter = Units.SizeConverter.class,
            description = "Largest request body accepted; larger ones get 413 request_too_large (default: ${DEFAULT-VALUE}).")
    long maxBodySize;

    @Option(names = "--loop-guard", arity = "1", defaultValue = "true",
            description = "End a turn whose output degenerates (a passage repeated, the same tool call again and again, endless output) with stop reason max_tokens (default: ${DEFAULT-VALUE}).")
    boolean loopGuard;

    @Option(names = "--loop-min-repeats", defaultValue = "10",
            description = "Loop guard: back-to-back repeats of one passage that count as a loop (default: ${DEFAULT-VALUE}).")
    int loopMinRepeats;

    @Option(names = "--loop-min-repeat-chars", defaultValue = "2000",
            description = "Loop guard: ... and the repeated span must be at least this many characters (default: ${DEFAULT-VALUE}).")
    int loopMinRepeatChars;

    @Option(names = "--loop-max-identical-tool-calls", defaultValue = "5",
            description = "Loop guard: the same tool call with the same input this many times in a turn is a loop (default: ${DEFAULT-VALUE}).")
    int loopMaxIdenticalToolCalls;

    @Option(names = "--loop-output-chars-per-token", defaultValue = "8",
            description = "Loop guard: output beyond max_tokens times this many characters is endless (default: ${DEFAULT-VALUE}).")
    int loopOutputCharsPerToken;

    /** The settings these flags describe; {@code IllegalArgumentException} with a message for the user when they are wrong. */
    GatewayConfig toConfig(int port) {
        String url = baseUrl != null ? baseUrl : mode != null ? mode.baseUrl() : null;
        if (url == null) {
            throw new IllegalArgumentException("No upstream: choose one with --mode (" + String.join(", ", Mode.ids())
                    + ") or give --base-url, on the command line or in .anyclauderc.json (docs/CONFIG.md)");
        }
        Protocol proto = protocol != null ? protocol : mode != null ? mode.protocol() : Protocol.OPENAI;
        String keyEnv = apiKeyEnv != null ? blankToNull(apiKeyEnv) : mode != null ? mode.apiKeyEnv() : null;
        String kind = flavor != null ? flavor : mode != null && mode.flavor() != null ? mode.flavor() : "auto";
        List<Fallback> chain = fallbacks.stream().map(Fallback::parse).toList();
        return new GatewayConfig(host, port, url, proto, keyEnv, model, kind, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat,
                new Deadlines(firstTokenTimeout, idleTimeout, totalTimeout, commitAfter),
                new Resilience(retries, retryBackoff, maxRetryBackoff, maxRetryAfter, breakerFailures, breakerOpenFor,
                        chain),
                new Guards(maxBodySize, loopGuard, loopMinRepeats, loopMinRepeatChars, loopMaxIdenticalToolCalls,
                        loopOutputCharsPerToken),
                new TierModels(opusModel, sonnetModel, haikuModel), replicas);
    }

    /** What the user should know before the gateway starts: a key variable that is not set, a model that is missing. */
    List<String> warnings(GatewayConfig config, Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        if (config.apiKeyEnv() != null && env.get(config.apiKeyEnv()) == null) {
            warnings.add("environment variable " + config.apiKeyEnv() + " is not set; requests go upstream without a key");
        }
        if (mode != null && mode.needsModel() && config.model() == null) {
            TierModels tiers = config.tiers();
            if (tiers.opus() == null || tiers.sonnet() == null || tiers.haiku() == null) {
                warnings.add("mode " + mode.id() + " without --model: Claude Code's model names (claude-opus-..., "
                        + "claude-sonnet-...) go upstream unchanged, which " + mode.id()
                        + " is unlikely to serve; set --model (or model in .anyclauderc.json)");
            }
        }
        return warnings;
    }

    /**
     * The warm-start store {@code --warm-start} asks for, under the anyclaude home of {@code spec}'s command line
     * ({@link dev.anyclaude.config.RcLocations}), or null when it is off.
     */
    dev.anyclaude.backend.WarmStart warmStart(CommandLine.Model.CommandSpec spec) {
        if (!warmStart) {
            return null;
        }
        RcDefaults rc = RcDefaults.of(spec);
        java.nio.file.Path home = rc != null ? rc.locations().home()
                : dev.anyclaude.config.RcLocations.fromEnvironment().home();
        return new dev.anyclaude.backend.WarmStart(dev.anyclaude.backend.WarmStart.directoryIn(home));
    }

    /** The preset chosen with {@code --mode}, or null. */
    Mode mode() {
        return mode;
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s.strip();
    }

    /** {@code --mode} values as users write them; unknown ones list the modes. */
    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return Mode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ModeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Mode.ids().iterator();
        }
    }
}
