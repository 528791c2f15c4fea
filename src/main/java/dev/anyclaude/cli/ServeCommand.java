package dev.anyclaude.cli;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.server.GatewayServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** {@code anyclaude serve}: a long-running gateway. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Anthropic-compatible gateway until stopped (Ctrl-C or SIGTERM). "
                + "Settings come from the flags, then ./.anyclauderc.json, then ~/.anyclauderc.json.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    private static volatile boolean running;

    @Option(names = "--port", defaultValue = "8082", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Mixin
    GatewayOptions gateway = new GatewayOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        GatewayServer server = start(System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "anyclaude-shutdown"));
        running = true;
        stopped.await();
        return 0;
    }

    /**
     * The settings this command was given: flags over {@code .anyclauderc.json} over the {@code --mode}
     * preset. A {@link CommandLine.ParameterException} when they are wrong.
     */
    GatewayConfig config() {
        try {
            return gateway.toConfig(port);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Starts the gateway {@link #config()} describes, after printing what the user should know; the caller closes it. */
    GatewayServer start(Map<String, String> env) {
        GatewayConfig config = config();
        for (String warning : gateway.warnings(config, env)) {
            spec.commandLine().getErr().println("warning: " + warning);
        }
        RcDefaults rc = RcDefaults.of(spec);
        List<Path> sources = rc == null ? List.of() : rc.sources();
        if (!sources.isEmpty()) {
            LOG.info("settings from {}", sources.stream().map(Path::toString).collect(Collectors.joining(", ")));
        }
        try {
            return GatewayServer.start(config, env, gateway.warmStart(spec));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static boolean running() {
        return running;
    }
}
