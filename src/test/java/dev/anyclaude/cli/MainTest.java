package dev.anyclaude.cli;

import dev.anyclaude.config.RcLocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @TempDir
    Path dir;

    private RcLocations rc() {
        return new RcLocations(dir.resolve("home"), dir.resolve("work"));
    }

    @Test
    void picocliIsBuiltAtTheProjectsReleaseSoThatTheStartUpCacheHoldsIt() throws Exception {
        // picocli's own jar has Java 5 class files (major version 49); a JDK 25 AOT cache skips those and every
        // class that implements one of their interfaces ("Old class has been linked"), so the command line
        // was loaded and verified anew at every start. The build compiles picocli's sources jar instead.
        try (java.io.InputStream in = CommandLine.class.getResourceAsStream("CommandLine.class")) {
            assertThat(in).as("picocli.CommandLine's class file").isNotNull();
            byte[] head = in.readNBytes(8);
            int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
            assertThat(major).as("class-file major version").isGreaterThanOrEqualTo(65);
        }
    }

    @Test
    void theLauncherIsBuiltWithoutTheSubcommandsAndACommandWithOnlyItsOwn() {
        assertThat(Main.commandLine(rc(), new String[]{"--base-url", "http://127.0.0.1:1/v1", "--model", "serve-me",
                "--", "-p", "serve"}).getSubcommands()).isEmpty();
        assertThat(Main.commandLine(rc(), new String[]{"serve", "--port", "0"}).getSubcommands()).containsOnlyKeys("serve");
        assertThat(Main.commandLine(rc(), new String[]{"doctor", "--json"}).getSubcommands()).containsOnlyKeys("doctor");
    }

    @Test
    void helpListsEveryCommand() {
        for (String[] args : new String[][]{{"--help"}, {"-h"}, {"serve", "--help"}, {"help"}}) {
            assertThat(Main.commandLine(rc(), args).getSubcommands()).containsOnlyKeys("serve", "parse", "doctor");
        }
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine(rc(), new String[]{"--help"});
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("serve", "parse", "doctor");
    }

    @Test
    void argumentsTheLeanTreeDoesNotMatchGetTheSameErrorAsWithTheWholeTree() {
        for (String[] args : new String[][]{{"srve", "--port", "0"}, {"--bogus"}, {"--mode", "nope"}, {"srve"},
                {"serve", "--bogus"}, {"serve", "--port", "x"}, {"doctor", "--mode", "nope"}, {"serve", "extra"}}) {
            StringWriter lean = new StringWriter();
            CommandLine leanCli = Main.commandLine(rc(), args);
            leanCli.setErr(new PrintWriter(lean, true));
            StringWriter whole = new StringWriter();
            CommandLine wholeCli = Main.commandLine(rc());
            wholeCli.setErr(new PrintWriter(whole, true));

            int leanExit = leanCli.execute(args);
            int wholeExit = wholeCli.execute(args);

            assertThat(leanExit).as(String.join(" ", args)).isEqualTo(wholeExit).isNotZero();
            assertThat(lean.toString()).as(String.join(" ", args)).isEqualTo(whole.toString()).isNotBlank();
        }
    }

    @Test
    void aTreeMadeWithoutHelpExpandsNoVariablesUntilItPrintsAUsageError() {
        String[] args = {"serve", "--port", "x"};
        CommandLine serve = Main.commandLine(rc(), args);
        assertThat(serve.isInterpolateVariables()).isFalse();
        assertThat(serve.getSubcommands().get("serve").isInterpolateVariables()).isFalse();
        assertThat(Main.commandLine(rc(), new String[]{"--model", "m"}).isInterpolateVariables()).isFalse();
        assertThat(Main.commandLine(rc(), new String[]{"serve", "--help"}).isInterpolateVariables()).isTrue();
        StringWriter err = new StringWriter();
        serve.setErr(new PrintWriter(err, true));

        assertThat(serve.execute(args)).isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString()).contains("Invalid value for option '--port'")
                .containsPattern("\\(default:\\s+8082\\)").doesNotContain("${");
    }

    @Test
    void onlyHelpSwitchesExpansionBackOn() {
        CommandLine cli = Main.commandLine(rc(), new String[]{"serve", "-V"});
        cli.setOut(new PrintWriter(new StringWriter(), true));

        assertThat(cli.execute("serve", "-V")).isZero();

        assertThat(cli.getSubcommands().get("serve").isInterpolateVariables()).isFalse();
    }

    @Test
    void helpAskedInAClusterOfShortOptionsShowsTheDefaultsToo() {
        for (String[] args : new String[][]{{"serve", "-Vh"}, {"-Vh"}}) {
            CommandLine cli = Main.commandLine(rc(), args);
            StringWriter out = new StringWriter();
            cli.setOut(new PrintWriter(out, true));

            assertThat(cli.execute(args)).as(String.join(" ", args)).isZero();

            assertThat(out.toString()).as(String.join(" ", args)).contains("Usage: anyclaude")
                    .containsPattern("\\(default:\\s+127\\.0\\.0\\.1\\)").doesNotContain("${");
        }
    }

    @Test
    void aSubcommandNamedFirstGetsATopCommandWithoutTheLaunchersOptions() {
        CommandLine serve = Main.commandLine(rc(), new String[]{"serve", "--base-url", "http://127.0.0.1:1/v1"});
        assertThat(serve.getCommandSpec().findOption("--base-url")).isNull();
        assertThat(serve.getSubcommands().get("serve").getCommandSpec().findOption("--base-url")).isNotNull();
        assertThat(serve.getCommandSpec().findOption("--config")).as("the rc file option is still there").isNotNull();
        assertThat(Main.commandLine(rc(), new String[]{"--base-url", "http://127.0.0.1:1/v1"}).getCommandSpec()
                .findOption("--base-url")).isNotNull();
        assertThat(Main.commandLine(rc(), new String[]{"serve", "--help"}).getCommandSpec().findOption("--base-url"))
                .as("help builds the whole tree").isNotNull();
    }

    @Test
    void onlyTheInformationalCommandsSkipPreparingAGateway() {
        assertThat(Main.startsGateway(new String[]{"--model", "m"})).isTrue();
        assertThat(Main.startsGateway(new String[]{"serve"})).isTrue();
        assertThat(Main.startsGateway(new String[]{"--version"})).isFalse();
        assertThat(Main.startsGateway(new String[]{"parse", "--format", "hermes"})).isFalse();
        assertThat(Main.startsGateway(new String[]{"--model", "m", "--", "--help"})).isTrue();
    }
}
