package dev.anyclaude.launch;

import dev.anyclaude.testing.LauncherProcess;
import dev.anyclaude.testing.Ports;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model server's lifecycle with real scripts and an in-process fake server: the fake "comes up" on the
 * script's port when the script says it started, the way a model server answers once its model is loaded.
 */
class ModelServerTest {

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
    private final ServerProbe probe = new ServerProbe(Duration.ofSeconds(2));
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        probe.close();
    }

    private static Reply models(FakeUpstream.RecordedRequest request) {
        return request.path().equals("/v1/models") ? Reply.json(200, "{\"object\":\"list\",\"data\":[]}")
                : Reply.notFound(request);
    }

    private ModelServer server(int port, String script, Duration startTimeout) {
        ServerCommand command = ServerCommand.parse(script, null, port, tmp, Map.of("PATH", System.getenv("PATH")));
        ModelServer.Options options = new ModelServer.Options(command, Map.of("PATH", System.getenv("PATH")), tmp,
                tmp.resolve("server.log"), URI.create("http://127.0.0.1:" + port + "/v1/models"), startTimeout,
                Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(500));
        ModelServer server = new ModelServer(options, probe, progress);
        cleanup.add(0, server);
        return server;
    }

    /**
     * Starts the fake on {@code port} once {@code marker} exists, from another thread, still loading for its first
     * two probes: the start is waited for through refused and 503 probes alike.
     */
    private void comeUpWhen(Path marker, int port) {
        Thread.ofVirtual().start(() -> {
            try {
                LauncherProcess.awaitExists(marker, Duration.ofSeconds(30));
                FakeUpstream upstream = FakeUpstream.start(port, FakeUpstream.loadingModel(2, ModelServerTest::models));
                synchronized (cleanup) {
                    cleanup.add(upstream);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private String progress() {
        return progressBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aServerThatAlreadyAnswersIsNeitherStartedNorStopped() throws Exception {
        try (FakeUpstream running = FakeUpstream.start(ModelServerTest::models)) {
            ModelServer server = server(running.port(), "touch started; sleep 300", Duration.ofSeconds(10));

            server.start();
            server.close();

            assertThat(server.startedByUs()).isFalse();
            assertThat(tmp.resolve("started")).doesNotExist();
            assertThat(progress()).contains("already running");
            assertThat(running.requests("/v1/models")).hasSize(1);
            assertThat(probe.probe(URI.create(running.baseUrl() + "/v1/models")).ready()).as("still up").isTrue();
        }
    }

    @Test
    void aServerStillLoadingIsWaitedForButNotStarted() throws Exception {
        try (FakeUpstream loading = FakeUpstream.start(FakeUpstream.loadingModel(3, ModelServerTest::models))) {
            ModelServer server = server(loading.port(), "touch started; sleep 300", Duration.ofSeconds(20));

            server.start();

            assertThat(server.startedByUs()).isFalse();
            assertThat(tmp.resolve("started")).doesNotExist();
            assertThat(progress()).contains("answers 503", "ready after");
        }
    }

    @Test
    void theScriptIsStartedAndWaitedForUntilTheServerAnswersThenStoppedWithAllItStarted() throws Exception {
        int port = Ports.free();
        comeUpWhen(tmp.resolve("started"), port);
        ModelServer server = server(port, "echo loading the model; touch started; sleep 306 & wait",
                Duration.ofSeconds(30));

        server.start();

        assertThat(server.startedByUs()).isTrue();
        long pgid = server.process().pid();
        assertThat(ProcessGroup.members(pgid)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(progress()).contains("started the model server", "server.log", "ready after");
        assertThat(Files.readString(tmp.resolve("server.log"))).contains("loading the model");

        server.close();

        assertThat(ProcessGroup.members(pgid)).isEmpty();
    }

    @Test
    void aServerThatNeverAnswersIsAClearErrorWithTheEndOfItsLogAndIsStopped() throws Exception {
        int port = Ports.free();
        ModelServer server = server(port, "i=1; while [ $i -le 30 ]; do echo \"log line $i\"; i=$((i+1)); done; "
                + "sleep 307 & wait", Duration.ofSeconds(2));

        long begin = System.nanoTime();
        assertThatThrownBy(server::start).isInstanceOf(ModelServer.StartFailure.class)
                .hasMessageContaining("did not answer http://127.0.0.1:" + port + "/v1/models within 2s")
                .hasMessageContaining("--server-start-timeout")
                .hasMessageContaining("last 20 lines of " + tmp.resolve("server.log"))
                .hasMessageContaining("log line 30").hasMessageContaining("log line 11")
                .hasMessageNotContaining("log line 10\n");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(6));
        assertThat(progress()).contains("waiting for the model server");
        long pgid = server.process().pid();

        server.close();

        assertThat(ProcessGroup.members(pgid)).isEmpty();
    }

    @Test
    void aServerThatExitsBeforeAnsweringFailsAtOnce() throws Exception {
        int port = Ports.free();
        Files.writeString(tmp.resolve("server.log"), "an older run's line\n");
        ModelServer server = server(port, "echo 'error: model not found' >&2; exit 3", Duration.ofSeconds(60));

        long begin = System.nanoTime();
        assertThatThrownBy(server::start).isInstanceOf(ModelServer.StartFailure.class)
                .hasMessageContaining("exited with status 3 before answering")
                .hasMessageContaining("error: model not found")
                .hasMessageNotContaining("older run");

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aScriptThatStartsADaemonAndReturnsIsWaitedForToo() throws Exception {
        int port = Ports.free();
        comeUpWhen(tmp.resolve("started"), port);
        ModelServer server = server(port, "(sleep 0.3; touch started) & exit 0", Duration.ofSeconds(30));

        server.start();

        assertThat(progress()).contains("script exited (status 0)", "ready after");
    }

    @Test
    void theTailSkipsProgressBarRedrawsAndAnyclaudesOwnHeader() throws Exception {
        Path log = tmp.resolve("tail.log");
        Files.writeString(log, "old\n=== anyclaude 2026: cmd\nloading 10%\rloading 50%\rloading 100%\r\ndone\n");

        assertThat(ModelServer.tail(log, 4, 20)).containsExactly("loading 100%", "done");
    }
}
