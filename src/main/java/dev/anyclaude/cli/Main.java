package dev.anyclaude.cli;

import dev.anyclaude.config.RcLocations;
import dev.anyclaude.server.GatewayServer;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** The {@code anyclaude} command: without a subcommand it launches Claude Code through the gateway. */
@Command(name = "anyclaude",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        customSynopsis = {"anyclaude [OPTIONS] [-- CLAUDE_ARGS...]", "       anyclaude COMMAND [OPTIONS]"},
        description = {"Run Claude Code (and any Anthropic Messages API client) on any model.",
                "Without a command: start the gateway on a free loopback port, run claude in this terminal "
                        + "pointed at it, with the arguments after --, and exit with its exit status."})
public final class Main implements Callable<Integer> {

    @CommandLine.Mixin
    LaunchCommand launch = new LaunchCommand();

    public static void main(String[] args) {
        preferSystemThreadPollers();
        if (startsGateway(args)) {
            GatewayServer.prepareInBackground();
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int exit = commandLine(RcLocations.fromEnvironment(), args).execute(args);
        if (exit != 0 || !ServeCommand.running()) {
            System.exit(exit);
        }
    }

    /**
     * Virtual threads wait for their sockets through the JDK's pollers. By default a platform master poller wakes
     * a virtual poller thread, which wakes the waiting thread: two hand-offs for every socket that becomes ready,
     * that is for every token a stream relays. With system-thread pollers it is one. At 64 streams on two CPUs
     * that was 13 % less gateway CPU per token and a lower added time to first token (docs/BENCHMARKS.md, seventh
     * pass). Set before the first socket wait; a {@code -Djdk.pollerMode} given on the command line wins.
     */
    static void preferSystemThreadPollers() {
        if (System.getProperty("jdk.pollerMode") == null) {
            System.setProperty("jdk.pollerMode", "1");
        }
    }

    /** Every command but the informational ones starts a gateway (doctor one of its own, to probe through). */
    static boolean startsGateway(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V")
                    || arg.equals("parse") || arg.equals("help")) {
                return false;
            }
        }
        return true;
    }

    /** The subcommands, in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("serve", ServeCommand::new);
        commands.put("parse", ParseCommand::new);
        commands.put("doctor", DoctorCommand::new);
        return Collections.unmodifiableMap(commands);
    }

    /** The names of the subcommands. */
    static Set<String> commandNames() {
        return SUBCOMMANDS.keySet();
    }

    static CommandLine commandLine() {
        return commandLine(RcLocations.fromEnvironment());
    }

    /** The whole command line, every subcommand included, with its defaults read from {@code rc}. */
    static CommandLine commandLine(RcLocations rc) {
        return commandLine(rc, SUBCOMMANDS.keySet());
    }

    /**
     * The command line for {@code args}: the top command with only the subcommands they name, or all of them
     * when they ask for help. picocli reads every option of every command it is given by reflection, which in a
     * JVM that has just started is a good part of the start-up; the launcher, the default command, needs none
     * of the subcommands. The usage printed with an error still lists every command (the whole tree is made
     * only then).
     */
    static CommandLine commandLine(RcLocations rc, String[] args) {
        Set<String> needed = needed(args);
        if (needed.size() == SUBCOMMANDS.size()) {
            return commandLine(rc);
        }
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            return literal(subcommandLine(rc, args[0]));
        }
        CommandLine lean = commandLine(rc, needed);
        Map<String, CommandLine.IHelpSectionRenderer> sections = lean.getHelpSectionMap();
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
                help -> help.createHeading("Commands:%n"));
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                help -> commandLine(rc).getHelp().commandList());
        return literal(lean);
    }

    /**
     * {@code line} without picocli's variable expansion until it prints help. picocli expands {@code ${...}} in
     * an option's names, description and provided default each time it reads them, scanning the text once for
     * each of its dozen kinds of variable; parsing and the rc-file defaults read the names of every option many
     * times, in a JVM that has not compiled any of it yet: 20-40 ms of a start (docs/BENCHMARKS.md, fifteenth
     * pass). Only help text holds variables here ({@code ${DEFAULT-VALUE}} in descriptions), so expansion is
     * switched back on as the help is made: for a usage error, or a help flag this tree was made without
     * noticing ({@code -Vh}).
     */
    static CommandLine literal(CommandLine line) {
        line.setInterpolateVariables(false);
        line.setHelpFactory((spec, colors) -> {
            line.setInterpolateVariables(true);
            return new CommandLine.Help(spec, colors);
        });
        return line;
    }

    /**
     * {@code anyclaude NAME ...}: a top command without the launcher's options under the subcommand, since words
     * after a subcommand's name are that subcommand's. Reading the launcher's 40-odd options by reflection was a
     * tenth of {@code serve}'s start-up. The top command's own help is never printed from here (asking for help
     * anywhere builds the whole tree).
     */
    private static CommandLine subcommandLine(RcLocations rc, String name) {
        return withSubcommands(new CommandLine(CommandLine.Model.CommandSpec.create().name("anyclaude")
                .mixinStandardHelpOptions(true).versionProvider(new Version())), Set.of(name), rc);
    }

    private static CommandLine commandLine(RcLocations rc, Set<String> subcommands) {
        return withSubcommands(new CommandLine(new Main()), subcommands, rc);
    }

    /** {@code top} with {@code subcommands}, enum values in any case, and its defaults read from {@code rc}. */
    private static CommandLine withSubcommands(CommandLine top, Set<String> subcommands, RcLocations rc) {
        for (String name : subcommands) {
            top.addSubcommand(name, SUBCOMMANDS.get(name).get());
        }
        top.setCaseInsensitiveEnumValuesAllowed(true);
        return RcDefaults.install(top, rc);
    }

    /** The subcommands named before {@code --}; all of them when help is asked for. */
    static Set<String> needed(String[] args) {
        Set<String> named = new LinkedHashSet<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("help") || arg.equals("-h") || arg.equals("--help")) {
                return SUBCOMMANDS.keySet();
            }
            if (SUBCOMMANDS.containsKey(arg)) {
                named.add(arg);
            }
        }
        return named;
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
