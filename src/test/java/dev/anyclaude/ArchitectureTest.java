package dev.anyclaude;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds the package arrows of the architecture one way: each package imports only what it may. */
class ArchitectureTest {

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "api", Set.of(),
            "config", Set.of(),
            "toolcall", Set.of("api"),
            "stream", Set.of("api", "toolcall"),
            "openai", Set.of("api", "stream", "toolcall"),
            "backend", Set.of("api", "openai", "stream", "toolcall", "config"),
            "route", Set.of("api", "backend", "config"),
            "launch", Set.of("config"),
            "server", Set.of("api", "openai", "stream", "toolcall", "backend", "route", "config"),
            "cli", Set.of("api", "openai", "stream", "toolcall", "backend", "route", "config", "server", "launch"));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.anyclaude\\.(\\w+)\\.",
            Pattern.MULTILINE);

    @Test
    void packagesImportOnlyWhatTheArchitectureAllows() throws IOException {
        Path root = Path.of("src", "main", "java", "dev", "anyclaude");
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String pkg = root.relativize(source).getName(0).toString();
                Set<String> allowed = ALLOWED.get(pkg);
                assertThat(allowed).as("package %s is not in the architecture table", pkg).isNotNull();
                Matcher imports = IMPORT.matcher(Files.readString(source));
                while (imports.find()) {
                    String target = imports.group(1);
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        violations.add(root.relativize(source) + " imports dev.anyclaude." + target);
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(20);
        assertThat(violations).isEmpty();
    }
}
