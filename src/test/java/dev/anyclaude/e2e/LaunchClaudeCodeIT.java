package dev.anyclaude.e2e;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.testing.ClaudeCli;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.GatewayProcess;
import dev.anyclaude.testing.LauncherProcess;
import dev.anyclaude.testing.Leftovers;
import dev.anyclaude.testing.ScriptedConversation;
import dev.anyclaude.testing.ScriptedUpstreamMain;
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
 * {@code anyclaude ... -- -p PROMPT --allowedTools Write} from the packaged jar with the real Claude Code CLI: the
 * launcher starts the gateway (and, with {@code --server-script}, the model server), claude writes the file through
 * it, and when claude is done nothing the launcher started is left: not the gateway's port, not the server's
 * process group, no process in the test's directory.
 */
class LaunchClaudeCodeIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path tmp;
    private Path project;
    private Path home;
    private Path target;
    private ScriptedConversation conversation;
    private FakeUpstream trap;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private LauncherProcess launcher;

    @BeforeEach
    void setUp() throws IOException {
        project = Files.createDirectories(tmp.resolve("project"));
        home = Files.createDirectories(tmp.resolve("home"));
        target = project.resolve("hello.txt");
        conversation = new ScriptedConversation(target);
        trap = FakeUpstream.start(r -> FakeUpstream.Reply.text(503, "no network in tests").withHeader("Connection", "close"));
        ClaudeCli.binary();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (launcher != null && launcher.process().isAlive()) {
            launcher.process().descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.process().destroyForcibly();
        }
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        trap.close();
    }

    private LauncherProcess launch(String baseUrl, Map<String, String> extraEnv, String... launcherArgs)
            throws IOException {
        Map<String, String> env = LauncherProcess.baseEnvironment(home, trap.port());
        env.put("CLAUDE_CODE_MAX_RETRIES", "1");
        env.putAll(extraEnv);
        List<String> args = new ArrayList<>(List.of("--base-url", baseUrl, "--protocol", "openai",
                "--claude-bin", ClaudeCli.binary().toString()));
        args.addAll(List.of(launcherArgs));
        args.addAll(List.of("--", "-p", conversation.writePrompt(), "--allowedTools", "Write"));
        launcher = LauncherProcess.start(project, env, args);
        return launcher;
    }

    private void assertFileWritten(LauncherProcess run, int exit) throws IOException {
        String context = run.describe() + "\n--- proxy trap saw ---\n" + trap.requests();
        System.out.println(context);
        assertThat(exit).as(context).isZero();
        assertThat(target).as(context).exists();
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(ScriptedConversation.GREETING);
        assertThat(run.stdout()).contains(ScriptedConversation.FINAL_TEXT);
    }

    private static void assertClosed(int port) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).as("port " + port + " is closed").isInstanceOf(ConnectException.class);
    }

    private Path script(String name, String content) throws IOException {
        Path script = tmp.resolve(name);
        Files.writeString(script, content);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** Where the scripted upstream's classes are: the test classes, and the jar for the rest. */
    private static String upstreamClasspath() throws Exception {
        Path testClasses = Path.of(ScriptedUpstreamMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return testClasses + ":" + GatewayProcess.jar();
    }

    @Test
    void claudeWritesTheFileThroughTheLaunchedGatewayWhichIsGoneAfterwards() throws Exception {
        FakeUpstream upstream = FakeUpstream.start(conversation);
        cleanup.add(upstream);

        LauncherProcess run = launch(upstream.baseUrl() + "/v1", Map.of());
        int exit = run.waitFor(TIMEOUT);

        assertFileWritten(run, exit);
        List<RecordedRequest> turns = upstream.requests("/v1/chat/completions");
        assertThat(turns).hasSizeGreaterThanOrEqualTo(2);
        assertThat(ScriptedConversation.toolResult(turns.get(1))).isNotNull();
        assertClosed(run.gatewayPort(Duration.ZERO));
        assertThat(trap.requests()).as("nothing tried to leave the machine through the gateway's upstream").allSatisfy(
                r -> assertThat(r.target()).doesNotContain("/v1/chat/completions"));
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void aServerScriptIsStartedWaitedForAndStoppedWithEverythingItStarted() throws Exception {
        int port = Ports.free();
        Path pgidFile = tmp.resolve("server.pgid");
        Path upstreamPid = tmp.resolve("upstream.pid");
        Path serverLog = tmp.resolve("server.log");
        Path script = script("start-model-server.sh", """
                #!/bin/sh
                # called as: start-model-server.sh MODEL_PATH PORT, the old serverScript convention
                echo $$ > "$PGID_FILE"
                echo "model path argument: $1, ANYCLAUDE_MODEL_PATH: $ANYCLAUDE_MODEL_PATH, port: $2"
                "$JAVA_BIN" -cp "$UPSTREAM_CP" dev.anyclaude.testing.ScriptedUpstreamMain "$2" "$UPSTREAM_PID" "$TARGET" 3 &
                wait
                """);
        Map<String, String> env = Map.of("PGID_FILE", pgidFile.toString(), "UPSTREAM_PID", upstreamPid.toString(),
                "TARGET", target.toString(), "UPSTREAM_CP", upstreamClasspath(),
                "JAVA_BIN", Path.of(System.getProperty("java.home"), "bin", "java").toString());

        LauncherProcess run = launch("http://127.0.0.1:" + port + "/v1", env, "--server-script", script.toString(),
                "--model-path", "/models/fake-coder-7b", "--server-log", serverLog.toString());
        int exit = run.waitFor(TIMEOUT);

        assertFileWritten(run, exit);
        assertThat(run.stderr()).contains("started the model server: " + script + " /models/fake-coder-7b " + port,
                "model server log: " + serverLog, "model server ready after");
        assertThat(Files.readString(serverLog)).contains(
                "model path argument: /models/fake-coder-7b, ANYCLAUDE_MODEL_PATH: /models/fake-coder-7b, port: " + port,
                "scripted upstream: listening on http://127.0.0.1:" + port);
        long pgid = Long.parseLong(Files.readString(pgidFile).strip());
        long pid = Long.parseLong(Files.readString(upstreamPid).strip());
        assertThat(Leftovers.running(pid)).as("the model server (pid " + pid + ") was stopped").isFalse();
        assertThat(Leftovers.inGroup(pgid)).as("process group " + pgid).isEmpty();
        assertClosed(port);
        assertClosed(run.gatewayPort(Duration.ZERO));
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void anRcFileWithAServerScriptIsAllItTakes() throws Exception {
        int port = Ports.free();
        Path upstreamPid = tmp.resolve("upstream.pid");
        Path script = script("serve-model.sh", """
                #!/bin/sh
                exec "$JAVA_BIN" -cp "$UPSTREAM_CP" dev.anyclaude.testing.ScriptedUpstreamMain "$2" "$UPSTREAM_PID" "$TARGET" 1
                """);
        // the fields users of the earlier tool already have, plus baseUrl: nothing on the command line but claude's own
        Files.writeString(project.resolve(".anyclauderc.json"), """
                {
                  "description": "a local coder model, started on demand",
                  "baseUrl": "http://127.0.0.1:%d/v1",
                  "model": "fake-coder-7b",
                  "modelPath": "/models/fake-coder-7b",
                  "serverScript": "%s",
                  "claudeBin": "%s"
                }
                """.formatted(port, script, ClaudeCli.binary()));
        Map<String, String> env = LauncherProcess.baseEnvironment(home, trap.port());
        env.put("CLAUDE_CODE_MAX_RETRIES", "1");
        env.putAll(Map.of("UPSTREAM_PID", upstreamPid.toString(), "TARGET", target.toString(),
                "UPSTREAM_CP", upstreamClasspath(),
                "JAVA_BIN", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        launcher = LauncherProcess.start(project, env,
                List.of("--", "-p", conversation.writePrompt(), "--allowedTools", "Write"));

        int exit = launcher.waitFor(TIMEOUT);

        assertFileWritten(launcher, exit);
        assertThat(launcher.stderr()).contains("started the model server: " + script + " /models/fake-coder-7b " + port);
        long pid = Long.parseLong(Files.readString(upstreamPid).strip());
        assertThat(Leftovers.running(pid)).as("the model server (pid " + pid + ") was stopped").isFalse();
        assertClosed(port);
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void aServerThatNeverAnswersIsAClearErrorWithItsLogTailAndNothingIsLeftRunning() throws Exception {
        int port = Ports.free();
        Path pgidFile = tmp.resolve("server.pgid");
        Path script = script("never-answers.sh", """
                #!/bin/sh
                echo $$ > "$PGID_FILE"
                i=1
                while [ $i -le 25 ]; do echo "loading shard $i of 25"; i=$((i+1)); done
                sleep 300 &
                wait
                """);

        LauncherProcess run = launch("http://127.0.0.1:" + port + "/v1", Map.of("PGID_FILE", pgidFile.toString()),
                "--server-script", script.toString(), "--server-start-timeout", "4s");
        int exit = run.waitFor(TIMEOUT);

        String stderr = run.stderr();
        assertThat(exit).as(run.describe()).isEqualTo(1);
        assertThat(stderr).contains("the model server did not answer http://127.0.0.1:" + port + "/v1/models within 4s",
                "last 20 lines of", "loading shard 25 of 25", "loading shard 6 of 25")
                .doesNotContain("loading shard 5 of 25", "anyclaude: gateway");
        assertThat(target).doesNotExist();
        long pgid = Long.parseLong(Files.readString(pgidFile).strip());
        assertThat(Leftovers.inGroup(pgid)).isEmpty();
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }

    @Test
    void aServerAlreadyRunningIsNeitherStartedNorStopped() throws Exception {
        FakeUpstream running = FakeUpstream.start(conversation);
        cleanup.add(running);
        Path marker = tmp.resolve("script-ran");

        LauncherProcess run = launch(running.baseUrl() + "/v1", Map.of(), "--server-script",
                "touch '" + marker + "'; sleep 300");
        int exit = run.waitFor(TIMEOUT);

        assertFileWritten(run, exit);
        assertThat(marker).as("the script never ran").doesNotExist();
        assertThat(run.stderr()).contains("model server at " + running.baseUrl() + "/v1/models is already running");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Void> models = http.send(HttpRequest.newBuilder(URI.create(running.baseUrl() + "/v1/models"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            assertThat(models.statusCode()).as("still serving after the launcher exited").isEqualTo(200);
        }
        Leftovers.assertNoneUnder(tmp, Duration.ofSeconds(10));
    }
}
