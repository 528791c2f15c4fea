package dev.anyclaude.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A model server for server-script tests, run as its own JVM by the script under test:
 * {@code java -cp TEST_CLASSES:anyclaude.jar dev.anyclaude.testing.ScriptedUpstreamMain PORT PID_FILE WRITE_FILE [LOAD_SECONDS]}.
 * It waits {@code LOAD_SECONDS} (a model loading), then serves {@link ScriptedConversation} on
 * {@code 127.0.0.1:PORT} until it is killed, having written its pid to {@code PID_FILE}.
 */
public final class ScriptedUpstreamMain {

    private ScriptedUpstreamMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ScriptedUpstreamMain PORT PID_FILE WRITE_FILE [LOAD_SECONDS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path pidFile = Path.of(args[1]);
        Path target = Path.of(args[2]);
        double loadSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 0;
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        System.out.println("scripted upstream: loading the model for " + loadSeconds + "s");
        Thread.sleep((long) (loadSeconds * 1000));
        FakeUpstream upstream = FakeUpstream.start(port, new ScriptedConversation(target));
        System.out.println("scripted upstream: listening on " + upstream.baseUrl());
        new CountDownLatch(1).await();
    }
}
