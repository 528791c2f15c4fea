package dev.anyclaude.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaudeBinaryTest {

    @TempDir
    Path tmp;

    private Path executable(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private Path plainFile(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "not a program\n");
        return path;
    }

    private Map<String, String> env(String path) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", path);
        env.put("HOME", tmp.resolve("home").toString());
        return env;
    }

    @Test
    void theOptionWinsOverTheEnvironmentAndPath() throws Exception {
        Path option = executable(tmp.resolve("opt/claude"));
        Path fromEnv = executable(tmp.resolve("env/claude"));
        executable(tmp.resolve("bin/claude"));
        Map<String, String> env = env(tmp.resolve("bin").toString());
        env.put(ClaudeBinary.ENV, fromEnv.toString());

        assertThat(ClaudeBinary.resolve(option.toString(), env)).isEqualTo(option);
    }

    @Test
    void theEnvironmentVariableWinsOverPath() throws Exception {
        Path fromEnv = executable(tmp.resolve("env/claude"));
        executable(tmp.resolve("bin/claude"));
        Map<String, String> env = env(tmp.resolve("bin").toString());
        env.put(ClaudeBinary.ENV, fromEnv.toString());

        assertThat(ClaudeBinary.resolve(null, env)).isEqualTo(fromEnv);
    }

    @Test
    void pathIsSearchedInOrderSkippingWhatCannotRun() throws Exception {
        plainFile(tmp.resolve("a/claude"));
        Files.createDirectories(tmp.resolve("b/claude"));
        Path good = executable(tmp.resolve("c/claude"));
        executable(tmp.resolve("d/claude"));
        String path = String.join(":", tmp.resolve("missing").toString(), tmp.resolve("a").toString(),
                tmp.resolve("b").toString(), tmp.resolve("c").toString(), tmp.resolve("d").toString());

        assertThat(ClaudeBinary.resolve(null, env(path))).isEqualTo(good);
    }

    @Test
    void aBareNameIsLookedUpOnPath() throws Exception {
        Path beta = executable(tmp.resolve("bin/claude-beta"));

        assertThat(ClaudeBinary.resolve("claude-beta", env(tmp.resolve("bin").toString()))).isEqualTo(beta);
    }

    @Test
    void aHomeRelativePathIsExpanded() throws Exception {
        Path claude = executable(tmp.resolve("home/.local/bin/claude"));

        assertThat(ClaudeBinary.resolve("~/.local/bin/claude", env("/nonexistent"))).isEqualTo(claude);
    }

    @Test
    void noClaudeAnywhereIsAClearErrorThatSaysHowToFixIt() {
        assertThatThrownBy(() -> ClaudeBinary.resolve(null, env(tmp.toString())))
                .isInstanceOf(ClaudeBinary.NotFound.class)
                .hasMessageContaining("Claude Code CLI not found")
                .hasMessageContaining("npm install -g @anthropic-ai/claude-code")
                .hasMessageContaining("--claude-bin").hasMessageContaining("ANYCLAUDE_CLAUDE_BIN");
    }

    @Test
    void aConfiguredPathThatDoesNotExistIsNotSilentlyReplacedByPath() throws Exception {
        executable(tmp.resolve("bin/claude"));
        Map<String, String> env = env(tmp.resolve("bin").toString());

        assertThatThrownBy(() -> ClaudeBinary.resolve(tmp.resolve("nope/claude").toString(), env))
                .isInstanceOf(ClaudeBinary.NotFound.class).hasMessageContaining("--claude-bin")
                .hasMessageContaining("does not exist");
        env.put(ClaudeBinary.ENV, tmp.resolve("nope/claude").toString());
        assertThatThrownBy(() -> ClaudeBinary.resolve(null, env))
                .isInstanceOf(ClaudeBinary.NotFound.class).hasMessageContaining("ANYCLAUDE_CLAUDE_BIN");
    }

    @Test
    void aFileThatCannotRunOrADirectoryIsRefused() throws Exception {
        Path plain = plainFile(tmp.resolve("x/claude"));
        Files.createDirectories(tmp.resolve("dir/claude"));

        assertThatThrownBy(() -> ClaudeBinary.resolve(plain.toString(), env("")))
                .isInstanceOf(ClaudeBinary.NotFound.class).hasMessageContaining("not an executable file");
        assertThatThrownBy(() -> ClaudeBinary.resolve(tmp.resolve("dir/claude").toString(), env("")))
                .isInstanceOf(ClaudeBinary.NotFound.class).hasMessageContaining("not an executable file");
    }

    @Test
    void aBareNameNotOnPathSaysSo() {
        assertThatThrownBy(() -> ClaudeBinary.resolve("claude-nightly", env(tmp.toString())))
                .isInstanceOf(ClaudeBinary.NotFound.class).hasMessageContaining("not a command on PATH");
    }
}
