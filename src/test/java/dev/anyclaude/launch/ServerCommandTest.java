package dev.anyclaude.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerCommandTest {

    @TempDir
    Path tmp;

    private Map<String, String> env() {
        return Map.of("HOME", tmp.resolve("home").toString(), "PATH", "/usr/bin:/bin");
    }

    private Path script(String name, String content, boolean executable) throws IOException {
        Path path = tmp.resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return path;
    }

    private ServerCommand parse(String spec, String model) {
        return ServerCommand.parse(spec, model, 8081, tmp, env());
    }

    @Test
    void anExecutableScriptGetsTheModelPathAndPortAsEarlierAnyclaudeGaveThem() throws Exception {
        Path script = script("mlx-textgen-server.sh", "#!/bin/bash\n", true);

        assertThat(parse(script.toString(), "/models/qwen").argv())
                .containsExactly(script.toString(), "/models/qwen", "8081");
    }

    @Test
    void withoutAModelPathTheScriptGetsNoArguments() throws Exception {
        Path script = script("serve.sh", "#!/bin/sh\n", true);

        assertThat(parse(script.toString(), null).argv()).containsExactly(script.toString());
        assertThat(parse(script.toString(), " ").argv()).containsExactly(script.toString());
    }

    @Test
    void aRelativeScriptIsFoundInTheWorkingDirectory() throws Exception {
        Path script = script("scripts/serve.sh", "#!/bin/sh\n", true);

        assertThat(parse("scripts/serve.sh", "m").argv()).containsExactly(script.toString(), "m", "8081");
        assertThat(parse("./scripts/serve.sh", "m").argv()).containsExactly(script.toString(), "m", "8081");
    }

    @Test
    void aHomeRelativeScriptIsExpanded() throws Exception {
        Path script = script("home/bin/serve.sh", "#!/bin/sh\n", true);

        assertThat(parse("~/bin/serve.sh", null).argv()).containsExactly(script.toString());
    }

    @Test
    void aScriptThatIsNotExecutableRunsWithItsShebangInterpreter() throws Exception {
        Path bash = script("a.sh", "#!/bin/bash\necho hi\n", false);
        Path env = script("b.sh", "#!/usr/bin/env bash\necho hi\n", false);

        assertThat(parse(bash.toString(), "m").argv()).containsExactly("/bin/bash", bash.toString(), "m", "8081");
        assertThat(parse(env.toString(), null).argv()).containsExactly("/usr/bin/env", "bash", env.toString());
    }

    @Test
    void aScriptWithoutShebangRunsWithSh() throws Exception {
        Path script = script("plain.sh", "echo hi\n", false);

        assertThat(parse(script.toString(), null).argv()).containsExactly("sh", script.toString());
    }

    @Test
    void aPythonScriptGetsModelAndPortAsFlags() throws Exception {
        Path plain = script("server.py", "import sys\n", false);
        Path executable = script("exec.py", "#!/usr/bin/env python3\n", true);

        assertThat(parse(plain.toString(), "/models/m").argv())
                .containsExactly("python3", plain.toString(), "--model", "/models/m", "--port", "8081");
        assertThat(parse(executable.toString(), null).argv())
                .containsExactly(executable.toString(), "--port", "8081");
    }

    @Test
    void aCommandLineRunsInAShellAsTypedWithNothingAppended() {
        String line = "source ~/.venv/bin/activate && mlx_lm.server --model \"$MODEL_PATH\" --port $ANYCLAUDE_SERVER_PORT";

        ServerCommand command = parse(line, "/models/m");

        assertThat(command.argv()).hasSize(3).endsWith("-c", line);
        assertThat(command.argv().get(0)).endsWith("sh");
        assertThat(command.display()).isEqualTo(line);
    }

    @Test
    void aBareCommandNameIsACommandLine() {
        assertThat(parse("llama-server", null).argv()).endsWith("-c", "llama-server");
    }

    @Test
    void aScriptPathThatDoesNotExistIsAClearError() {
        assertThatThrownBy(() -> parse("scripts/missing.sh", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server script 'scripts/missing.sh' does not exist")
                .hasMessageContaining(tmp.toString());
        assertThatThrownBy(() -> parse("/nowhere/serve.sh", "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Test
    void anEmptyScriptIsAClearError() {
        assertThatThrownBy(() -> parse("  ", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--server-script is empty");
    }

    @Test
    void theServerEnvironmentCarriesModelPathHostPortAndUrl() {
        Map<String, String> env = ServerCommand.environment(Map.of("PATH", "/bin", "MODEL_PATH", "old"), "/models/m",
                "127.0.0.1", 8081, "http://127.0.0.1:8081/v1");

        assertThat(env).containsEntry("PATH", "/bin").containsEntry("ANYCLAUDE_MODEL_PATH", "/models/m")
                .containsEntry("MODEL_PATH", "/models/m").containsEntry("ANYCLAUDE_SERVER_HOST", "127.0.0.1")
                .containsEntry("ANYCLAUDE_SERVER_PORT", "8081")
                .containsEntry("ANYCLAUDE_SERVER_URL", "http://127.0.0.1:8081/v1");
        assertThat(ServerCommand.environment(Map.of(), null, "h", 1, "u")).doesNotContainKeys("ANYCLAUDE_MODEL_PATH",
                "MODEL_PATH");
    }

    @Test
    void theDisplayedCommandIsQuotedAsAShellNeedsIt() {
        assertThat(ServerCommand.quote(List.of("/srv/run.sh", "/models/My Model", "it's", "8081")))
                .isEqualTo("/srv/run.sh '/models/My Model' 'it'\\''s' 8081");
    }
}
