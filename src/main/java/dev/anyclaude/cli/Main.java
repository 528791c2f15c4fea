package dev.anyclaude.cli;

import dev.anyclaude.config.RcLocations;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code anyclaude} command: without a subcommand it launches Claude Code through the gateway. */
@Command(name = "anyclaude",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        customSynopsis = {"anyclaude [OPTIONS] [-- CLAUDE_ARGS...]", "       anyclaude COMMAND [OPTIONS]"},
        description = {"Run Claude Code (and any Anthropic Messages API client) on any model.",
                "Without a command: start the gateway on a free loopback port, run claude in this terminal "
                        + "pointed at it, with the arguments after --, and exit with its exit status."},
        subcommands = {ServeCommand.class, ParseCommand.class, DoctorCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Mixin
    LaunchCommand launch = new LaunchCommand();

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int exit = commandLine().execute(args);
        if (exit != 0 || !ServeCommand.running()) {
            System.exit(exit);
        }
    }

    static CommandLine commandLine() {
        return commandLine(RcLocations.fromEnvironment());
    }

    /** The command line with its {@code .anyclauderc.json} defaults read from {@code rc}. */
    static CommandLine commandLine(RcLocations rc) {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return RcDefaults.install(cli, rc);
    }

    @Override
    public Integer call() throws Exception {
        return launch.call();
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[]{"anyclaude " + (version == null ? "(development build)" : version)};
        }
    }
}
