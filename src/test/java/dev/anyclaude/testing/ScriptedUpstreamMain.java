package dev.anyclaude.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A model server for server-script tests, run as its own JVM by the script under test:
 * {@code java -cp TEST_CLASSES:anyclaude.jar dev.anyclaude.testing.ScriptedUpstreamMain PORT PID_FILE WRITE_FILE [LOADING_PROBES]}.
 * It serves {@link ScriptedConversation} on {@code 127.0.0.1:PORT} until it is killed, having written its pid to
 * {@code PID_FILE}; like a server still loading its model (llama.cpp's 503 "Loading model"), it answers its first
 * {@code LOADING_PROBES} model-list requests 503, so that whoever waits for it has to probe again.
 */
public final class ScriptedUpstreamMain {

    private ScriptedUpstreamMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ScriptedUpstreamMain PORT PID_FILE WRITE_FILE [LOADING_PROBES]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path pidFile = Path.of(args[1]);
        Path target = Path.of(args[2]);
        int loadingProbes = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        FakeUpstream upstream = FakeUpstream.start(port,
                FakeUpstream.loadingModel(loadingProbes, new ScriptedConversation(target)));
        System.out.println("scripted upstream: listening on " + upstream.baseUrl() + ", loading the model for its first "
                + loadingProbes + " model-list requests");
        new CountDownLatch(1).await();
    }
}
