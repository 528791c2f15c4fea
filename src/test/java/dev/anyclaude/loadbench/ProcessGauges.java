package dev.anyclaude.loadbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Memory and CPU of another JVM, read from outside it: heap figures from {@code jcmd} (a full GC first, then the
 * used heap), resident memory and threads from {@code /proc}, CPU time from the process handle.
 */
final class ProcessGauges {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    ProcessGauges(long pid) {
        this.pid = pid;
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
        return jcmd("GC.class_histogram").lines().limit(lines + 3L).collect(Collectors.joining("\n"));
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

    /** CPU time of the process so far, in nanoseconds; -1 when the system does not say. */
    long cpuNanos() {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** The number on the line of {@code /proc/PID/status} that starts with {@code key}, or -1. */
    private long procStatus(String key) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
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

    private String jcmd(String what) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), what).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd " + what + " did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
