package dev.anyclaude.cli;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.server.GatewayServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.CountDownLatch;

/** {@code anyclaude serve}: a long-running gateway. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Anthropic-compatible gateway until stopped (Ctrl-C or SIGTERM).")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    private static volatile boolean running;

    @Option(names = "--port", defaultValue = "8082", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Mixin
    GatewayOptions gateway = new GatewayOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config;
        try {
            config = gateway.toConfig(port);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (config.apiKeyEnv() != null && System.getenv(config.apiKeyEnv()) == null) {
            spec.commandLine().getErr().println("warning: environment variable " + config.apiKeyEnv()
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
