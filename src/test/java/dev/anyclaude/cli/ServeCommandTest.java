package dev.anyclaude.cli;

import dev.anyclaude.testing.Ports;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ServeCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** The exit code of the last {@link #serveOnFreePort} run. */
    private int exit;

    /** Runs the command line with captured output; a run that blocks (a server that started) fails the test. */
    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.execute(args),
                "the command blocked: it started a server");
    }

    /** Runs {@code serve} on a free port with the given arguments; returns that port. */
    private int serveOnFreePort(String... args) throws IOException {
        int port = Ports.free();
        List<String> all = new ArrayList<>(List.of("serve", "--port", String.valueOf(port)));
        all.addAll(List.of(args));
        exit = run(all.toArray(String[]::new));
        return port;
    }

    private static void assertNothingListensOn(int port) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
        assertThat(ServeCommand.running()).isFalse();
    }

    @Test
    void helpListsTheFlags() {
        int exit = run("serve", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: anyclaude serve", "--base-url", "--protocol", "--host", "--port",
                "--api-key-env", "--model", "--flavor", "--relay", "--max-output-tokens", "--connect-timeout",
                "--headers-timeout", "--ping-interval", "OPENAI, ANTHROPIC");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void topLevelHelpListsServe() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: anyclaude", "serve");
    }

    @Test
    void noSubcommandLaunchesClaudeAndSoNeedsAnUpstreamFirst() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("No upstream: choose one with --mode", "Usage: anyclaude");
    }

    @Test
    void noModeAndNoBaseUrlIsAClearErrorListingTheModesAndNoServer() throws IOException {
        int port = serveOnFreePort();

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("No upstream: choose one with --mode (claude, openrouter, openai, "
                + "lmstudio, ollama, llamacpp, vllm, mlx) or give --base-url");
        assertNothingListensOn(port);
    }

    @Test
    void invalidProtocolIsAClearErrorAndNoServer() throws IOException {
        int port = serveOnFreePort("--base-url", "http://127.0.0.1:9/v1", "--protocol", "grpc");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--protocol'", "grpc", "OPENAI", "ANTHROPIC");
        assertNothingListensOn(port);
    }

    @Test
    void baseUrlThatIsNotAUrlIsAClearErrorAndNoServer() throws IOException {
        int port = serveOnFreePort("--base-url", "notaurl");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("base URL must be an http:// or https:// URL with a host: notaurl");
        assertNothingListensOn(port);
    }

    @Test
    void unknownFlavorIsAClearErrorAndNoServer() throws IOException {
        int port = serveOnFreePort("--base-url", "http://127.0.0.1:9/v1", "--flavor", "nonsense");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown OpenAI flavor 'nonsense'", "vllm", "llamacpp");
        assertNothingListensOn(port);
    }

    @Test
    void portOutOfRangeIsAClearError() {
        assertThat(run("serve", "--base-url", "http://127.0.0.1:9/v1", "--port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("port must be between 0 and 65535, got 70000");
    }

    @Test
    void nonPositiveTimeoutIsAClearErrorAndNoServer() throws IOException {
        int port = serveOnFreePort("--base-url", "http://127.0.0.1:9/v1", "--headers-timeout", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("headersTimeout must be positive");
        assertNothingListensOn(port);
    }

    @Test
    void portAlreadyInUseIsAClearError() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int exit = run("serve", "--base-url", "http://127.0.0.1:9/v1", "--port",
                    String.valueOf(taken.getLocalPort()));

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(ServeCommand.running()).isFalse();
        }
    }
}
