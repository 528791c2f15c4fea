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
import java.util.stream.Collectors;

/**
 * Memory and CPU of another JVM, read from outside it: the live heap from {@code jcmd} (a class histogram after a
 * full GC), resident memory and threads from {@code /proc}, CPU time from the process handle.
 */
final class ProcessGauges {

    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)");

    private final long pid;
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    ProcessGauges(long pid) {
        this.pid = pid;
    }

    /**
     * The live objects, counted at one safepoint after a full collection ({@code jcmd GC.class_histogram}). Its
     * total is the live heap; the used heap read by a second jcmd after {@code GC.run} is not, since the process
     * has gone on allocating in between (hundreds of MB a second with thousands of streams open).
     */
    Histogram histogram() throws IOException, InterruptedException {
        String text = jcmd("GC.class_histogram");
        Matcher m = TOTAL.matcher(text);
        if (!m.find()) {
            throw new IOException("no total in jcmd GC.class_histogram: " + text.lines().limit(5).toList());
        }
        return new Histogram(Long.parseLong(m.group(1)), text);
    }

    /** A class histogram: the live bytes, and the table. */
    record Histogram(long liveBytes, String text) {
        /** The table's first {@code lines} classes, with its heading. */
        String top(int lines) {
            return text.lines().limit(lines + 3L).collect(Collectors.joining("\n"));
        }
    }

    /** Writes the live objects (a full GC first) to {@code file} in HPROF format, for a heap analyser. */
    void heapDump(Path file) throws IOException, InterruptedException {
        Files.deleteIfExists(file);
        jcmd("GC.heap_dump", file.toAbsolutePath().toString());
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

    private String jcmd(String... what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
        command.addAll(List.of(what));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", what) + " did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
