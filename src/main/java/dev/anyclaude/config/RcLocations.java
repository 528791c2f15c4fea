package dev.anyclaude.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where {@code .anyclauderc.json} files are looked for: the home directory, then the working directory
 * (a later file overrides an earlier one field by field).
 *
 * <p>The home directory is, first found: the system property {@code anyclaude.home}, the environment
 * variable {@code ANYCLAUDE_HOME}, the environment variable {@code HOME} (what {@code ~} means in a
 * shell), the JVM's {@code user.home}. The working directory is the system property
 * {@code anyclaude.workdir}, else {@code user.dir}. Tests point both at temporary directories.
 *
 * @param home    the directory whose {@value RcFile#NAME} is read first
 * @param workdir the directory whose {@value RcFile#NAME} is read next, and against which a relative
 *                {@code --config} path is resolved
 */
public record RcLocations(Path home, Path workdir) {

    public RcLocations {
        home = home.toAbsolutePath().normalize();
        workdir = workdir.toAbsolutePath().normalize();
    }

    /** The locations this process runs with. */
    public static RcLocations fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperties());
    }

    static RcLocations fromEnvironment(Map<String, String> env, Properties properties) {
        String home = firstSet(properties.getProperty("anyclaude.home"), env.get("ANYCLAUDE_HOME"), env.get("HOME"),
                properties.getProperty("user.home"));
        String workdir = firstSet(properties.getProperty("anyclaude.workdir"), properties.getProperty("user.dir"));
        return new RcLocations(Path.of(home == null ? "." : home), Path.of(workdir == null ? "." : workdir));
    }

    /**
     * The files to read, lowest precedence first: {@code explicit} alone when given (resolved against the
     * working directory; it must exist), else whichever of the home and working-directory files exist
     * (one file when the two directories are the same).
     *
     * @throws IllegalArgumentException when {@code explicit} names no readable file
     */
    public List<Path> files(String explicit) {
        if (explicit != null) {
            Path file = workdir.resolve(explicit).normalize();
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("configuration file " + file + " (from --config) does not exist");
            }
            return List.of(file);
        }
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(home, workdir)) {
            Path file = dir.resolve(RcFile.NAME);
            if (Files.isRegularFile(file) && !files.contains(file)) {
                files.add(file);
            }
        }
        return files;
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
