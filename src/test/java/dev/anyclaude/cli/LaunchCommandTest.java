package dev.anyclaude.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The default command's checks, run in-process: each of these must end before anything is started. Launches
 * themselves run from the packaged jar in the end-to-end tests (they take over signals and logging).
 */
class LaunchCommandTest {

    @TempDir
    Path tmp;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cli.execute(args),
                "the command blocked: it launched something");
    }

    @Test
    void helpShowsTheLaunchOptionsAndTheCommands() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString()).contains("Usage: anyclaude", "-- CLAUDE_ARGS", "--claude-bin", "--context-window",
                "--server-script", "--model-path", "--server-start-timeout", "--server-log", "--log-file",
                "--base-url", "--max-output-tokens", "serve", "parse");
    }

    @Test
    void claudesArgumentsMustFollowADoubleDash() {
        assertThat(run("--base-url", "http://127.0.0.1:9/v1", "serv")).isEqualTo(2);

        assertThat(err.toString()).contains("Unknown command or argument 'serv'", "Commands: serve, parse",
                "arguments for claude go after --");
    }

    @Test
    void aMissingClaudeIsAClearErrorWithTheShellsNotFoundStatus() {
        int exit = run("--base-url", "http://127.0.0.1:9/v1", "--claude-bin", tmp.resolve("no/claude").toString(),
                "--", "-p", "hi");

        assertThat(exit).isEqualTo(127);
        assertThat(err.toString()).contains("anyclaude: --claude-bin is '" + tmp.resolve("no/claude") + "'",
                "does not exist");
    }

    @Test
    void aServerScriptThatDoesNotExistIsAnOptionError() {
        int exit = run("--base-url", "http://127.0.0.1:9/v1", "--claude-bin", "/bin/true",
                "--server-script", tmp.resolve("nope.sh").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("server script '" + tmp.resolve("nope.sh") + "' does not exist");
    }

    @Test
    void aContextWindowMustBePositive() {
        assertThat(run("--base-url", "http://127.0.0.1:9/v1", "--context-window", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--context-window must be positive, got 0");
    }

    @Test
    void badGatewayOptionsAreReportedAsForServe() {
        assertThat(run("--base-url", "notaurl")).isEqualTo(2);
        assertThat(err.toString()).contains("base URL must be an http:// or https:// URL with a host: notaurl");
    }
}
