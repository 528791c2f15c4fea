package dev.anyclaude.loadbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged gateway ({@code target/anyclaude.jar serve}) in a JVM of its own, as it is deployed: its heap and
 * memory are then its own, not a share of the benchmark's. Heap figures come from {@code jcmd} (a full GC first,
 * then the used heap), resident memory from {@code /proc}.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final Path log;
    private final int port;
    private final Path javaHome;

    private GatewayProcess(Process process, Path log, int port, Path javaHome) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.javaHome = javaHome;
    }

    /**
     * Starts {@code jar} against {@code upstreamBaseUrl} (OpenAI protocol, generic flavor, model {@code m}, log
     * level INFO: a line per request) with the given JVM options, and waits (bounded) for its listening line.
     */
    static GatewayProcess start(Path jar, String upstreamBaseUrl, List<String> jvmOptions) throws IOException, InterruptedException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path log = Files.createTempFile("loadbench-gateway", ".log");
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", "0",
                "--host", "127.0.0.1", "--base-url", upstreamBaseUrl + "/v1", "--protocol", "openai",
                "--flavor", "generic", "--model", "m"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("ANYCLAUDE_LOG_LEVEL"); // INFO, as deployed: a line per request
        Process process = builder.start();
        // a benchmark stopped by a signal still stops its gateway
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return new GatewayProcess(process, log, Integer.parseInt(m.group(1)), javaHome);
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20); // polling the child's log for its listening line, bounded
        }
        process.destroyForcibly();
        throw new IOException("the gateway process did not start; its log:\n" + Files.readString(log));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The used heap after a full collection, in bytes. */
    long heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher m = USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IOException("no heap figure from jcmd GC.heap_info");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** The classes that hold the most of the heap, as {@code jcmd GC.class_histogram} prints them (top lines). */
    String histogram(int lines) throws IOException, InterruptedException {
        return jcmd("GC.class_histogram").lines().limit(lines + 3L).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Resident memory of the process (VmRSS), in bytes; -1 where /proc is not there. */
    long residentBytes() throws IOException {
        long kilobytes = procStatus("VmRSS:");
        return kilobytes < 0 ? -1 : kilobytes * 1024;
    }

    /** Threads of the process (platform threads; virtual ones are not OS threads); -1 where /proc is not there. */
    long threads() throws IOException {
        return procStatus("Threads:");
    }

    /** The number on the line of {@code /proc/PID/status} that starts with {@code key}, or -1. */
    private long procStatus(String key) throws IOException {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** CPU time of the process so far, in nanoseconds. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private String jcmd(String what) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaHome.resolve("bin/jcmd").toString(), String.valueOf(process.pid()), what)
                .redirectErrorStream(true).start();
        byte[] out = jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + what + " did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }
}
