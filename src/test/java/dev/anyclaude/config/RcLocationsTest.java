package dev.anyclaude.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RcLocationsTest {

    @TempDir
    Path temp;

    private static Properties properties(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void theHomeIsThePropertyThenAnyclaudeHomeThenHomeThenUserHome() {
        Properties all = properties("anyclaude.home", "/p", "user.home", "/u", "user.dir", "/w");
        Map<String, String> env = Map.of("ANYCLAUDE_HOME", "/a", "HOME", "/h");

        assertThat(RcLocations.fromEnvironment(env, all).home()).isEqualTo(Path.of("/p"));
        assertThat(RcLocations.fromEnvironment(env, properties("user.home", "/u", "user.dir", "/w")).home())
                .isEqualTo(Path.of("/a"));
        assertThat(RcLocations.fromEnvironment(Map.of("HOME", "/h"), properties("user.home", "/u", "user.dir", "/w"))
                .home()).isEqualTo(Path.of("/h"));
        assertThat(RcLocations.fromEnvironment(Map.of(), properties("user.home", "/u", "user.dir", "/w")).home())
                .isEqualTo(Path.of("/u"));
    }

    @Test
    void theWorkingDirectoryIsThePropertyElseUserDir() {
        assertThat(RcLocations.fromEnvironment(Map.of(), properties("anyclaude.workdir", "/t", "user.dir", "/w"))
                .workdir()).isEqualTo(Path.of("/t"));
        assertThat(RcLocations.fromEnvironment(Map.of(), properties("user.dir", "/w")).workdir())
                .isEqualTo(Path.of("/w"));
    }

    @Test
    void theHomeFileComesBeforeTheWorkingDirectoryFileAndMissingOnesAreSkipped() throws IOException {
        Path home = Files.createDirectories(temp.resolve("home"));
        Path work = Files.createDirectories(temp.resolve("work"));
        RcLocations locations = new RcLocations(home, work);
        assertThat(locations.files(null)).isEmpty();

        Path workFile = Files.writeString(work.resolve(RcFile.NAME), "{}");
        assertThat(locations.files(null)).containsExactly(workFile);

        Path homeFile = Files.writeString(home.resolve(RcFile.NAME), "{}");
        assertThat(locations.files(null)).containsExactly(homeFile, workFile);
    }

    @Test
    void runningInTheHomeDirectoryReadsItsFileOnce() throws IOException {
        Path file = Files.writeString(temp.resolve(RcFile.NAME), "{}");

        assertThat(new RcLocations(temp, temp).files(null)).containsExactly(file);
    }

    @Test
    void anExplicitFileIsResolvedAgainstTheWorkingDirectoryAndMustExist() throws IOException {
        Path file = Files.writeString(temp.resolve("team.json"), "{}");
        Files.writeString(temp.resolve(RcFile.NAME), "{}");
        RcLocations locations = new RcLocations(temp.resolve("nohome"), temp);

        assertThat(locations.files("team.json")).containsExactly(file);
        assertThat(locations.files(file.toString())).containsExactly(file);
        assertThatThrownBy(() -> locations.files("missing.json"))
                .hasMessage("configuration file " + temp.resolve("missing.json") + " (from --config) does not exist");
    }
}
