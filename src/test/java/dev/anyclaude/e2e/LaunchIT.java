package dev.anyclaude.e2e;

import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.LauncherProcess;
import dev.anyclaude.testing.Leftovers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The packaged launcher with a stand-in for claude: a shell script that records its arguments and environment and
 * then exits, crashes, or waits for signals. What is checked is the launcher's side — exit status, the
 * environment claude gets, signals, and that the gateway and everything else it started are gone afterwards —
 * fast and without the real CLI (which {@code LaunchClaudeCodeIT} and {@code InteractiveLaunchIT} drive).
 */
class LaunchIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String FAKE_CLAUDE = """
            #!/bin/sh
            out="$FAKE_CLAUDE_DIR"
            for a in "$@"; do printf '%s\\n' "$a"; done > "$out/args"
            env > "$out/env"
            case "$FAKE_CLAUDE_MODE" in
              exit3) exit 3 ;;
              crash) kill -s SEGV $$ ;;
              wait)
                trap 'echo TERM > "$out/signal"; exit 42' TERM
                trap 'echo HUP > "$out/signal"; exit 7' HUP
                touch "$out/ready"
                while [ ! -f "$out/go" ]; do sleep 0.1; done
                exit 0 ;;
            esac
            """;

    @TempDir
    Path tmp;
    private Path project;
    private Path home;
    private Path claudeDir;
    private Path fakeClaude;
    private FakeUpstream trap;
    private FakeUpstream upstream;
    private LauncherProcess launcher;

    @BeforeEach
    void setUp() throws IOException {
        project = Files.createDirectories(tmp.resolve("project"));
        home = Files.createDirectories(tmp.resolve("home"));
        claudeDir = Files.createDirectories(tmp.resolve("claude-out"));
        fakeClaude = tmp.resolve("fake-claude");
        Files.writeString(fakeClaude, FAKE_CLAUDE);
        Files.setPosixFilePermissions(fakeClaude, PosixFilePermissions.fromString("rwxr-xr-x"));
        trap = FakeUpstream.start(r -> FakeUpstream.Reply.text(503, "no network in tests"));
        upstream = FakeUpstream.start(FakeUpstream.Reply::notFound);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (launcher != null && launcher.process().isAlive()) {
            launcher.process().descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.process().destroyForcibly();
        }
        trap.close();
        upstream.close();
    }

    private LauncherProcess launch(String mode, Map<String, String> extraEnv, String... args) throws IOException {
        Map<String, String> env = LauncherProcess.baseEnvironment(home, trap.port());
        env.put("FAKE_CLAUDE_DIR", claudeDir.toString());
        env.put("FAKE_CLAUDE_MODE", mode);
        env.putAll(extraEnv);
        List<String> all = new ArrayList<>(List.of("--base-url", upstream.baseUrl() + "/v1", "--protocol", "openai",
                "--claude-bin", fakeClaude.toString()));
        all.addAll(List.of(args));
        launcher = LauncherProcess.start(project, env, all);
        return launcher;
    }

    private Map<String, String> claudeEnv() throws IOException {
        Map<String, String> env = new java.util.HashMap<>();
        for (String line : Files.readAllLines(claudeDir.resolve("env"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static void assertClosed(int port) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).as("gateway port " + port + " is closed").isInstanceOf(ConnectException.class);
    }

    private static int health(int port) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void claudesExitStatusBecomesAnyclaudesAndTheGatewayIsGoneAfterwards() throws Exception {
        LauncherProcess run = launch("exit3", Map.of("CLAUDE_CODE_MAX_OUTPUT_TOKENS", "1234"),
                "--context-window", "65536", "--max-output-tokens", "8000",
                "--", "-p", "a prompt with spaces", "--allowedTools", "Write", "it's \"quoted\"");

        int exit = run.waitFor(TIMEOUT);
        int port = run.gatewayPort(Duration.ZERO);

        assertThat(exit).as(run.describe()).isEqualTo(3);
        assertThat(Files.readAllLines(claudeDir.resolve("args")))
                .containsExactly("-p", "a prompt with spaces", "--allowedTools", "Write", "it's \"quoted\"");
        Map<String, String> env = claudeEnv();
        assertThat(env).containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port)
                .containsEntry("ANTHROPIC_AUTH_TOKEN", "anyclaude-placeholder")
                .containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("CLAUDE_CODE_MAX_CONTEXT_TOKENS", "65536")
                .containsEntry("CLAUDE_CODE_AUTO_COMPACT_WINDOW", "65536")
                .containsEntry("CLAUDE_CODE_MAX_OUTPUT_TOKENS", "1234")
                .containsEntry("API_TIMEOUT_MS", "1860000")
                .containsEntry("HOME", home.toString())
                .doesNotContainKey("ANTHROPIC_API_KEY");
        assertThat(run.stderr()).contains("log: " + home.resolve(".anyclaude/logs"));
        assertClosed(port);
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void theGatewayLogsToAFileNotToTheTerminal() throws Exception {
        Path log = tmp.resolve("logs/gateway.log");
        LauncherProcess run = launch("exit3", Map.of(), "--log-file", log.toString());

        run.waitFor(TIMEOUT);

        assertThat(run.stderr()).contains("log: " + log).doesNotContain("INFO", "listening on");
        assertThat(run.stdout()).isEmpty();
        assertThat(Files.readString(log)).contains("anyclaude gateway listening on", "claude exited with status 3");
    }

    @Test
    void aCrashedClaudeStillStopsEverything() throws Exception {
        LauncherProcess run = launch("crash", Map.of());

        int exit = run.waitFor(TIMEOUT);

        assertThat(exit).as(run.describe()).isEqualTo(128 + 11);
        assertClosed(run.gatewayPort(Duration.ZERO));
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void sigintIsLeftToClaudeAndTheGatewayKeepsServing() throws Exception {
        Path log = tmp.resolve("gateway.log");
        LauncherProcess run = launch("wait", Map.of(), "--log-file", log.toString());
        LauncherProcess.awaitExists(claudeDir.resolve("ready"), TIMEOUT);
        int port = run.gatewayPort(Duration.ofSeconds(10));

        run.signal("INT");
        LauncherProcess.awaitContains(log, "SIGINT while claude runs: left to claude", TIMEOUT); // the launcher has handled it

        assertThat(run.process().isAlive()).as("the launcher survives SIGINT\n" + run.describe()).isTrue();
        assertThat(claudeDir.resolve("signal")).as("nothing was passed on to claude").doesNotExist();
        assertThat(health(port)).isEqualTo(200);
        Files.writeString(claudeDir.resolve("go"), "");
        assertThat(run.waitFor(TIMEOUT)).as(run.describe()).isZero();
        assertClosed(port);
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void sigtermIsPassedOnToClaudeAndEverythingStops() throws Exception {
        LauncherProcess run = launch("wait", Map.of());
        LauncherProcess.awaitExists(claudeDir.resolve("ready"), TIMEOUT);
        int port = run.gatewayPort(Duration.ofSeconds(10));

        run.signal("TERM");

        assertThat(run.waitFor(Duration.ofSeconds(30))).as(run.describe()).isEqualTo(42);
        assertThat(Files.readString(claudeDir.resolve("signal"))).isEqualTo("TERM\n");
        assertClosed(port);
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void sighupIsPassedOnToClaudeAndEverythingStops() throws Exception {
        LauncherProcess run = launch("wait", Map.of());
        LauncherProcess.awaitExists(claudeDir.resolve("ready"), TIMEOUT);
        int port = run.gatewayPort(Duration.ofSeconds(10));

        run.signal("HUP");

        assertThat(run.waitFor(Duration.ofSeconds(30))).as(run.describe()).isEqualTo(7);
        assertThat(Files.readString(claudeDir.resolve("signal"))).isEqualTo("HUP\n");
        assertClosed(port);
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void aSignalWhileTheModelServerStartsStopsItAndClaudeNeverRuns() throws Exception {
        upstream.close();
        Path pgid = tmp.resolve("server.pgid");
        // the group's id is written once both children are forked
        LauncherProcess run = launch("exit3", Map.of(), "--server-script",
                "sleep 301 & sleep 302 & echo $$ > '" + pgid + "'; wait");
        long group = Long.parseLong(LauncherProcess.awaitFile(pgid, TIMEOUT).strip());
        assertThat(Leftovers.inGroup(group)).hasSizeGreaterThanOrEqualTo(2);

        run.signal("INT");

        assertThat(run.waitFor(Duration.ofSeconds(30))).as(run.describe()).isEqualTo(130);
        assertThat(run.stderr()).contains("stopped by SIGINT before claude started");
        assertThat(claudeDir.resolve("args")).as("claude never ran").doesNotExist();
        assertThat(Leftovers.inGroup(group)).isEmpty();
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }
}
