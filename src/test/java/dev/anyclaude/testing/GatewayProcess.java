package dev.anyclaude.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway jar as a child process: {@code java -jar anyclaude.jar serve --port 0 ...}. The port is
 * read from the {@code listening on http://127.0.0.1:PORT} log line; {@link #close()} sends SIGTERM, waits a
 * bounded time, and fails the test if the process is still there.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Thread reader;
    private final StringBuffer log = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private GatewayProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofVirtual().name("gateway-log-" + process.pid()).start(this::readLog);
    }

    /** The jar the build made, passed to tests as the system property {@code anyclaude.jar}. */
    public static Path jar() {
        String jar = System.getProperty("anyclaude.jar");
        if (jar == null || jar.isBlank()) {
            throw new AssertionError("system property anyclaude.jar is not set; run the end-to-end tests with "
                    + "'mvn verify' (failsafe sets it after 'package') or ./run-tests");
        }
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("gateway jar " + path + " does not exist; build it with 'mvn package'");
        }
        return path;
    }

    /**
     * Starts {@code serve --host 127.0.0.1 --port 0} plus {@code serveArgs}, with an environment of only PATH,
     * a throw-away HOME and {@code extraEnv}, and waits for it to listen.
     */
    public static GatewayProcess start(Path home, Map<String, String> extraEnv, String... serveArgs)
            throws IOException, InterruptedException {
        return start(jar(), List.of(), home, extraEnv, serveArgs);
    }

    /** As {@link #start(Path, Map, String...)}, with a given jar and options for its JVM (benchmarks). */
    public static GatewayProcess start(Path jar, List<String> jvmOptions, Path home, Map<String, String> extraEnv,
                                       String... serveArgs) throws IOException, InterruptedException {
        return start(List.of(), jar, jvmOptions, home, extraEnv, serveArgs);
    }

    /** As above, the java command run by {@code launcher} (e.g. {@code taskset -c 1}). */
    public static GatewayProcess start(List<String> launcher, Path jar, List<String> jvmOptions, Path home,
                                       Map<String, String> extraEnv, String... serveArgs)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--host", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(serveArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("HOME", home.toString());
        env.putAll(extraEnv);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        GatewayProcess gateway = new GatewayProcess(builder.start());
        gateway.awaitListening();
        return gateway;
    }

    public static GatewayProcess start(Path home, String... serveArgs) throws IOException, InterruptedException {
        return start(home, new HashMap<>(), serveArgs);
    }

    public int port() {
        return port.join();
    }

    public String log() {
        return log.toString();
    }

    public long pid() {
        return process.pid();
    }

    private void awaitListening() throws InterruptedException {
        try {
            port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // output that ended (ExecutionException) means the process is exiting: let it, to report its status
            if (e instanceof ExecutionException) {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            String why = process.isAlive() ? "did not log 'listening on http://127.0.0.1:PORT' within " + START_TIMEOUT
                    : "exited with status " + process.exitValue() + " before listening";
            stopQuietly();
            throw new AssertionError("gateway " + why + "; its output:\n" + log);
        }
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (!port.isDone() && m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process went away
        } finally {
            port.completeExceptionally(new IllegalStateException("gateway output ended"));
        }
    }

    private void stopQuietly() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        reader.join(Duration.ofSeconds(5));
    }

    /** SIGTERM, then a bounded wait; fails when the process ignored it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        boolean exited = process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        reader.join(Duration.ofSeconds(5));
        if (!exited) {
            throw new AssertionError("gateway pid " + process.pid() + " did not stop within " + STOP_TIMEOUT
                    + " of SIGTERM and was killed; its output:\n" + log);
        }
        if (ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new AssertionError("gateway pid " + process.pid() + " is still alive after it was stopped");
        }
    }
}
