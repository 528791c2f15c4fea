package dev.anyclaude.cli;

import dev.anyclaude.backend.WarmStart;
import dev.anyclaude.config.RcLocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --warm-start}: off unless asked for, and kept under the anyclaude home the rc files come from. */
class WarmStartOptionTest {

    @TempDir
    Path home;

    private ServeCommand serve(String... args) {
        CommandLine root = Main.commandLine(new RcLocations(home, home));
        root.parseArgs(args);
        return root.getSubcommands().get("serve").getCommand();
    }

    @Test
    void offByDefault() {
        ServeCommand serve = serve("serve", "--base-url", "http://127.0.0.1:9/v1");

        assertThat(serve.gateway.warmStart(serve.spec)).isNull();
    }

    @Test
    void onKeepsPrefixesUnderTheAnyclaudeHome() {
        ServeCommand serve = serve("serve", "--base-url", "http://127.0.0.1:9/v1", "--warm-start", "true");

        try (WarmStart warm = serve.gateway.warmStart(serve.spec)) {
            assertThat(warm.directory()).isEqualTo(home.resolve(".anyclaude").resolve("warm").toAbsolutePath());
        }
    }

    @Test
    void theRcFileTurnsItOn() throws Exception {
        Files.writeString(home.resolve(".anyclauderc.json"), "{\"warmStart\": true}");
        ServeCommand serve = serve("serve", "--base-url", "http://127.0.0.1:9/v1");

        try (WarmStart warm = serve.gateway.warmStart(serve.spec)) {
            assertThat(warm).isNotNull();
        }
    }
}
