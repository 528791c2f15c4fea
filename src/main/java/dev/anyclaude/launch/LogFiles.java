package dev.anyclaude.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a launch writes its logs by default: one file per run under {@code ~/.anyclaude/logs/}, named
 * {@code PREFIX-yyyyMMdd-HHmmss-PID.log}; the oldest beyond a few dozen are deleted so the directory does not grow
 * without end. Files the user names are never deleted.
 */
public final class LogFiles {

    /** Files of one prefix kept in the default directory. */
    public static final int KEEP = 30;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private LogFiles() {
    }

    /** {@code $HOME/.anyclaude/logs}. */
    public static Path directory(Map<String, String> env) {
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".anyclaude", "logs");
    }

    /** A new file name for this run. */
    public static Path fresh(Path directory, String prefix, Instant now, long pid) {
        return directory.resolve(prefix + "-" + STAMP.format(now.atZone(ZoneId.systemDefault())) + "-" + pid + ".log");
    }

    /** Deletes the oldest {@code PREFIX-*.log} files in {@code directory} beyond the newest {@code keep}. */
    public static void prune(Path directory, String prefix, int keep) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> ours = files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(prefix + "-") && name.endsWith(".log") && Files.isRegularFile(f);
            }).sorted(Comparator.comparing(LogFiles::modified).reversed()).toList();
            for (Path old : ours.subList(Math.min(keep, ours.size()), ours.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException e) {
            // pruning is housekeeping: never a reason to fail a launch
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
