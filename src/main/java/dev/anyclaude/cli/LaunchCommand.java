package dev.anyclaude.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.anyclaude.backend.ContextWindow;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.launch.ClaudeBinary;
import dev.anyclaude.launch.ClaudeEnvironment;
import dev.anyclaude.launch.ClaudeProcess;
import dev.anyclaude.launch.LogFiles;
import dev.anyclaude.launch.ModelServer;
import dev.anyclaude.launch.ServerCommand;
import dev.anyclaude.launch.ServerProbe;
import dev.anyclaude.launch.Signals;
import dev.anyclaude.server.GatewayServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * {@code anyclaude [options] [-- claude-args...]}, the default command: starts the gateway in-process on a free
 * loopback port (and the local model server, when one is configured and not running), runs {@code claude} in this
 * terminal pointed at it, and exits with claude's exit status once everything it started has stopped.
 *
 * <p>Signals: before claude runs, SIGINT, SIGTERM and SIGHUP abort the launch (exit 128 + signal). While it
 * runs, SIGINT is ignored (the terminal sent Ctrl-C to claude as well, and Claude Code handles it), SIGTERM and
 * SIGHUP are passed on to claude, which is killed if it has not ended 10 s later. Once claude has exited, the
 * gateway and the model server anyclaude started are stopped, whatever the reason it exited.
 *
 * <p>A mixin of {@link Main}, so its options are the top-level command's.
 */
final class LaunchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchCommand.class);
    /** Exit status when claude cannot be found, as a shell's "command not found". */
    static final int CLAUDE_NOT_FOUND = 127;
    /** Exit status when claude was found but could not be started. */
    static final int CLAUDE_NOT_RUNNABLE = 126;
    /** Exit status when the model server does not start. */
    static final int SERVER_FAILED = 1;
    static final Duration CLAUDE_GRACE = Duration.ofSeconds(10);
    static final Duration SERVER_STOP_GRACE = Duration.ofSeconds(5);

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    GatewayOptions gateway = new GatewayOptions();

    @Option(names = "--claude-bin", paramLabel = "PATH",
            description = "The Claude Code CLI to run (default: $" + ClaudeBinary.ENV + ", else claude on PATH).")
    String claudeBin;

    @Option(names = "--context-window", paramLabel = "TOKENS",
            description = "The model's context window, passed to Claude Code (CLAUDE_CODE_MAX_CONTEXT_TOKENS and "
                    + "CLAUDE_CODE_AUTO_COMPACT_WINDOW) so that it compacts in time; without it Claude Code assumes "
                    + "1M tokens for a model it does not know.")
    Integer contextWindow;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Where the gateway logs while claude runs (default: a new file in ~/.anyclaude/logs/); "
                    + "'-' keeps them on standard error.")
    String logFile;

    @Option(names = "--server-script", paramLabel = "SCRIPT",
            description = "Starts the local model server when --base-url does not answer: a script (run as "
                    + "'SCRIPT MODEL_PATH PORT'; a .py one as 'SCRIPT --model MODEL_PATH --port PORT') or a command "
                    + "line for bash -c (with $ANYCLAUDE_MODEL_PATH, $ANYCLAUDE_SERVER_PORT). It runs in its own "
                    + "process group and is stopped, with all it started, when claude exits.")
    String serverScript;

    @Option(names = "--model-path", paramLabel = "PATH",
            description = "The model the server script should load; passed as its argument and as $ANYCLAUDE_MODEL_PATH and $MODEL_PATH.")
    String modelPath;

    @Option(names = "--server-start-timeout", defaultValue = "10m", converter = Units.DurationConverter.class,
            description = "How long the model server may take to answer (default: ${DEFAULT-VALUE}).")
    Duration serverStartTimeout;

    @Option(names = "--server-log", paramLabel = "FILE",
            description = "Where the model server's output goes, appended (default: a new file in ~/.anyclaude/logs/).")
    String serverLog;

    @Parameters(paramLabel = "CLAUDE_ARGS",
            description = "Arguments for claude, after --, e.g. anyclaude --base-url URL -- -p \"fix the tests\".")
    List<String> claudeArgs = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        CommandLine cli = spec.commandLine();
        PrintWriter err = cli.getErr();
        requireDoubleDashBeforeClaudeArgs(cli);
        if (contextWindow != null && contextWindow < 1) {
            throw new CommandLine.ParameterException(cli, "--context-window must be positive, got " + contextWindow);
        }
        GatewayConfig config;
        try {
            config = gateway.toConfig(0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        Map<String, String> env = System.getenv();
        Path claude;
        try {
            claude = ClaudeBinary.resolve(claudeBin, env);
        } catch (ClaudeBinary.NotFound e) {
            err.println("anyclaude: " + e.getMessage());
            err.flush();
            return CLAUDE_NOT_FOUND;
        }
        Path workingDir = Path.of("").toAbsolutePath();
        URI upstream = URI.create(config.baseUrl());
        ModelServer.Options serverOptions = null;
        if (serverScript != null) {
            String model = ServerCommand.expandHome(modelPath, env.get("HOME"));
            int port = port(upstream);
            ServerCommand command;
            try {
                command = ServerCommand.parse(serverScript, model, port, workingDir, env);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            Path log = serverLog != null ? Path.of(ServerCommand.expandHome(serverLog, env.get("HOME")))
                    : defaultLog(env, "server");
            serverOptions = new ModelServer.Options(command,
                    ServerCommand.environment(env, model, upstream.getHost(), port, config.baseUrl()), workingDir,
                    log.toAbsolutePath(), ServerProbe.modelsUrl(config), serverStartTimeout, SERVER_STOP_GRACE,
                    Duration.ofMillis(250), Duration.ofSeconds(5));
        } else if (modelPath != null) {
            err.println("anyclaude: warning: --model-path has no effect without --server-script");
        }
        if (config.apiKeyEnv() != null && System.getenv(config.apiKeyEnv()) == null) {
            err.println("anyclaude: warning: environment variable " + config.apiKeyEnv()
                    + " is not set; requests go upstream without a key");
        }
        String gatewayLog = logToFile(env, err);
        err.flush();
        return launch(config, claude, env, serverOptions, gatewayLog);
    }

    private int launch(GatewayConfig config, Path claude, Map<String, String> env,
                       ModelServer.Options serverOptions, String gatewayLog) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        PrintStream progress = System.err;
        StartupInterrupt startup = new StartupInterrupt(Thread.currentThread());
        Launched launched = new Launched();
        Thread safetyNet = new Thread(launched::stop, "anyclaude-launch-cleanup");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        // the probe (a JDK HTTP client, whose set-up cost ~0.1 s of a cold JVM) only when there is a server to wait for
        try (Signals signals = Signals.install(startup);
             ServerProbe probe = serverOptions == null ? null : new ServerProbe(Duration.ofSeconds(3))) {
            try {
                if (serverOptions != null) {
                    launched.server = new ModelServer(serverOptions, probe, progress);
                    launched.server.start();
                }
                // the upstream is up (or not anyclaude's to start): ask it for the context window while the
                // gateway starts
                Future<OptionalInt> window = discoverContextWindowInBackground(config);
                GatewayServer server = GatewayServer.start(config, env, gateway.warmStart(spec));
                launched.gateway = server;
                ClaudeEnvironment settings = ClaudeEnvironment.forGateway(config, config.host(), server.port(),
                                contextWindow == null ? OptionalInt.empty() : OptionalInt.of(contextWindow))
                        .withDiscoveredContextWindow(discovered(window));
                Map<String, String> childEnv = settings.applyTo(env);
                for (String removed : settings.removals(env)) {
                    err.println("anyclaude: " + removed + " is unset for claude: it would bypass the gateway");
                }
                LOG.info("claude {} with {}", claude, settings.additions(env));
                err.println("anyclaude: gateway " + settings.gatewayUrl() + " -> " + config.baseUrl() + " ("
                        + config.protocol().name().toLowerCase(java.util.Locale.ROOT) + "); log: " + gatewayLog);
                err.flush();
                startup.throwIfSignalled();
                ClaudeProcess running = ClaudeProcess.start(claude, claudeArgs, childEnv, CLAUDE_GRACE);
                launched.claude = running;
                java.util.function.Consumer<Signals.Kind> whileRunning = kind -> {
                    LOG.info("SIG{} while claude runs: {}", kind, kind == Signals.Kind.INT
                            ? "left to claude, which got it from the terminal too" : "passed on to claude");
                    running.onSignal(kind);
                };
                signals.handleWith(whileRunning);
                Signals.Kind early = startup.disarm();
                if (early != null) {
                    // it came as claude started: claude is what it is for now, and it is handled (and logged) so
                    whileRunning.accept(early);
                }
                int status = launched.claude.waitFor();
                signals.handleWith(kind -> LOG.info("SIG{} while stopping: ignored", kind));
                LOG.info("claude exited with status {}{}", status, launched.claude.forwarded() == null ? ""
                        : " after SIG" + launched.claude.forwarded() + " was passed on");
                return status;
            } catch (ModelServer.StartFailure e) {
                startup.disarm();
                err.println("anyclaude: " + e.getMessage());
                return SERVER_FAILED;
            } catch (InterruptedException e) {
                Signals.Kind signal = startup.disarm();
                if (signal == null) {
                    throw e;
                }
                err.println("anyclaude: stopped by SIG" + signal + " before claude started");
                return signal.exitStatus();
            } catch (IOException e) {
                startup.disarm();
                err.println("anyclaude: cannot run " + claude + ": " + e.getMessage());
                return CLAUDE_NOT_RUNNABLE;
            } catch (RuntimeException e) {
                Signals.Kind signal = startup.disarm();
                if (signal != null) {
                    // a signal interrupted a start-up step that does not expect interrupts (the gateway's start)
                    err.println("anyclaude: stopped by SIG" + signal + " before claude started");
                    return signal.exitStatus();
                }
                if (e instanceof IllegalArgumentException) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                throw e;
            } finally {
                signals.handleWith(kind -> LOG.info("SIG{} while stopping: ignored", kind));
                startup.disarm();
                launched.stop();
                err.flush();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(safetyNet);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs, and finds nothing left to stop
            }
        }
    }

    /**
     * The context window the upstream reports for the model, when it can tell. Context-window discovery (the
     * {@code doctor} work) plugs in here: it is called once the upstream answers (a model server anyclaude started
     * is up) and before claude starts; a window given with {@code --context-window} wins over what it returns.
     */
    OptionalInt discoverContextWindow(GatewayConfig config) {
        if (ClaudeEnvironment.usesClientCredentialsFor(config)) {
            return OptionalInt.empty(); // Anthropic itself: Claude Code knows its models' windows
        }
        try (UpstreamHttp http = new UpstreamHttp(config.connectTimeout(), java.time.Duration.ofSeconds(10))) {
            OptionalLong window = ContextWindow.discover(config, config.model(), http, System.getenv());
            if (window.isPresent()) {
                LOG.info("context window {} tokens, as the upstream reports it", window.getAsLong());
                return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, window.getAsLong()));
            }
        } catch (RuntimeException e) {
            LOG.info("context window not discovered: {}", e.getMessage());
        }
        return OptionalInt.empty();
    }

    /**
     * {@link #discoverContextWindow} on a thread of its own, started as the gateway starts: the discovery makes an
     * HTTP client and asks the upstream (code that has not run yet in a new JVM, and TLS set-up for an https
     * upstream), and run after the gateway it held claude's start up by 0.15-0.25 s on two CPUs
     * (docs/BENCHMARKS.md, ninth and tenth passes).
     */
    private Future<OptionalInt> discoverContextWindowInBackground(GatewayConfig config) {
        FutureTask<OptionalInt> task = new FutureTask<>(
                () -> discoverContextWindow(config));
        Thread.ofPlatform().daemon().name("anyclaude-context-window").start(task);
        return task;
    }

    /** The discovered window; an interrupt (a signal during start-up) ends the wait as it ends the others. */
    private static OptionalInt discovered(Future<OptionalInt> window) throws InterruptedException {
        try {
            return window.get();
        } catch (ExecutionException e) {
            // discoverContextWindow catches what the upstream can throw; anything else is a bug, not a window
            LOG.warn("context window discovery failed", e.getCause());
            return OptionalInt.empty();
        }
    }

    /** Claude's arguments must come after {@code --}: a stray word before it is most likely a mistyped command. */
    private void requireDoubleDashBeforeClaudeArgs(CommandLine cli) {
        if (claudeArgs.isEmpty()) {
            return;
        }
        List<String> args = cli.getParseResult() == null ? List.of() : cli.getParseResult().expandedArgs();
        int dash = args.indexOf("--");
        int afterDash = dash < 0 ? 0 : args.size() - dash - 1;
        if (claudeArgs.size() > afterDash) {
            throw new CommandLine.ParameterException(cli, "Unknown command or argument '" + claudeArgs.get(0)
                    + "'. Commands: " + String.join(", ", Main.commandNames())
                    + "; arguments for claude go after --, e.g. anyclaude --base-url URL -- -p \"hello\"");
        }
    }

    /** Sends the logs to a file (they would garble claude's screen); returns where they go. */
    private String logToFile(Map<String, String> env, PrintWriter err) {
        if ("-".equals(logFile)) {
            return "standard error";
        }
        Path file = logFile != null ? Path.of(ServerCommand.expandHome(logFile, env.get("HOME"))).toAbsolutePath()
                : defaultLog(env, "gateway");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            err.println("anyclaude: warning: cannot create " + file.getParent() + " (" + e.getMessage()
                    + "); logging to standard error");
            return "standard error";
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return "standard error";
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} %X{req:-} %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            err.println("anyclaude: warning: cannot write " + file + "; logging to standard error");
            return "standard error";
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.detachAppender("STDERR");
        return file.toString();
    }

    private static Path defaultLog(Map<String, String> env, String prefix) {
        Path directory = LogFiles.directory(env);
        LogFiles.prune(directory, prefix, LogFiles.KEEP - 1);
        return LogFiles.fresh(directory, prefix, Instant.now(), ProcessHandle.current().pid());
    }

    private static int port(URI url) {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** What the launch started, stopped once whatever the way out: claude first, then the gateway, then the server. */
    private static final class Launched {
        volatile ModelServer server;
        volatile GatewayServer gateway;
        volatile ClaudeProcess claude;
        private boolean stopped;

        synchronized void stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            if (claude != null) {
                claude.kill();
            }
            if (gateway != null) {
                try {
                    gateway.close();
                } catch (RuntimeException e) {
                    LOG.warn("stopping the gateway: {}", e.toString());
                }
            }
            if (server != null) {
                try {
                    server.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Before claude runs, a signal ends the launch: it interrupts the main thread, wherever it waits. {@link #disarm}
     * stops that, clears a pending interrupt and says which signal came, if any.
     */
    private static final class StartupInterrupt implements java.util.function.Consumer<Signals.Kind> {
        private final Thread main;
        private boolean armed = true;
        private Signals.Kind signal;

        StartupInterrupt(Thread main) {
            this.main = main;
        }

        @Override
        public synchronized void accept(Signals.Kind kind) {
            if (armed && signal == null) {
                signal = kind;
                main.interrupt();
            }
        }

        synchronized void throwIfSignalled() throws InterruptedException {
            if (signal != null) {
                throw new InterruptedException("SIG" + signal);
            }
        }

        synchronized Signals.Kind disarm() {
            armed = false;
            Thread.interrupted();
            return signal;
        }
    }
}
