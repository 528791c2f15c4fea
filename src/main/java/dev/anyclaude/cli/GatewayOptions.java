package dev.anyclaude.cli;

import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Guards;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The gateway's flags, shared by every command that runs one. */
final class GatewayOptions {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--base-url",
            description = "Upstream base URL, e.g. http://127.0.0.1:8000/v1 (OpenAI) or https://api.anthropic.com (Anthropic).")
    String baseUrl;

    @Option(names = "--protocol", defaultValue = "openai",
            description = "How to talk to the upstream: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Protocol protocol;

    @Option(names = "--api-key-env", description = "Environment variable holding the upstream API key.")
    String apiKeyEnv;

    @Option(names = "--model", description = "Upstream model for every request (default: forward the client's model name).")
    String model;

    @Option(names = "--flavor", defaultValue = "auto",
            description = "OpenAI-compatible server kind: auto, openai, openrouter, vllm, llamacpp, ollama, lmstudio, mlx, generic (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--fallback", paramLabel = "SPEC",
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
        if (baseUrl == null) {
            throw new IllegalArgumentException("Missing required option: '--base-url=<baseUrl>'");
        }
        List<Fallback> chain = fallbacks.stream().map(Fallback::parse).toList();
        return new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                connectTimeout, headersTimeout, pingInterval, toolFormat,
                new Deadlines(firstTokenTimeout, idleTimeout, totalTimeout, commitAfter),
                new Resilience(retries, retryBackoff, maxRetryBackoff, maxRetryAfter, breakerFailures, breakerOpenFor,
                        chain),
                new Guards(maxBodySize, loopGuard, loopMinRepeats, loopMinRepeatChars, loopMaxIdenticalToolCalls,
                        loopOutputCharsPerToken));
    }
}
