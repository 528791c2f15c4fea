package dev.anyclaude.cli;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.server.GatewayServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code anyclaude serve}: a long-running gateway. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Anthropic-compatible gateway until stopped (Ctrl-C or SIGTERM).")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    private static volatile boolean running;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8082", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--base-url", required = true,
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

    @Option(names = "--connect-timeout", defaultValue = "10", description = "Seconds to wait for the upstream connection (default: ${DEFAULT-VALUE}).")
    long connectTimeoutSeconds;

    @Option(names = "--headers-timeout", defaultValue = "600",
            description = "Seconds to wait for the upstream's response headers; local models may prefill for minutes (default: ${DEFAULT-VALUE}).")
    long headersTimeoutSeconds;

    @Option(names = "--ping-interval", defaultValue = "10",
            description = "Seconds of silence on a client stream before a ping event is sent (default: ${DEFAULT-VALUE}).")
    long pingIntervalSeconds;

    @Option(names = "--tool-format", defaultValue = GatewayConfig.DEFAULT_TOOL_FORMAT,
            description = "How to recover tool calls a model writes as text: a format name (see `anyclaude parse --help`), "
                    + "none, or auto: the model family's format by the upstream model's name, else recognised from the "
                    + "first call (default: ${DEFAULT-VALUE}).")
    String toolFormat;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config;
        try {
            config = new GatewayConfig(host, port, baseUrl, protocol, apiKeyEnv, model, flavor, relay, maxOutputTokens,
                    Duration.ofSeconds(connectTimeoutSeconds), Duration.ofSeconds(headersTimeoutSeconds),
                    Duration.ofSeconds(pingIntervalSeconds), toolFormat);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (apiKeyEnv != null && System.getenv(apiKeyEnv) == null) {
            spec.commandLine().getErr().println("warning: environment variable " + apiKeyEnv
                    + " is not set; requests go upstream without a key");
        }
        GatewayServer server;
        try {
            server = GatewayServer.start(config, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "anyclaude-shutdown"));
        running = true;
        stopped.await();
        return 0;
    }

    static boolean running() {
        return running;
    }
}
