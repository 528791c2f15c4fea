package dev.anyclaude.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModeTest {

    @Test
    void everyPresetMakesAValidConfiguration() {
        for (Mode mode : Mode.values()) {
            GatewayConfig config = GatewayConfig.of(mode.baseUrl(), mode.protocol());
            assertThat(config.baseUrl()).as(mode.id()).isEqualTo(mode.baseUrl());
            assertThat(mode.flavor() == null).as(mode.id()).isEqualTo(mode.protocol() == Protocol.ANTHROPIC);
        }
    }

    @Test
    void localModesAreOnLoopbackAndCloudModesOnHttps() {
        for (Mode mode : Mode.values()) {
            assertThat(mode.baseUrl()).as(mode.id()).startsWith(mode.local() ? "http://127.0.0.1:" : "https://");
            assertThat(mode.apiKeyEnv() == null).as(mode.id()).isEqualTo(mode.local() || mode == Mode.CLAUDE);
        }
    }

    @Test
    void idsAreLowerCaseNames() {
        assertThat(Mode.ids()).containsExactly("claude", "openrouter", "openai", "lmstudio", "ollama", "llamacpp",
                "vllm", "mlx");
        assertThat(Mode.parse(" Ollama ")).isEqualTo(Mode.OLLAMA);
        assertThat(Mode.parse("lm_studio")).isEqualTo(Mode.LMSTUDIO);
        assertThatThrownBy(() -> Mode.parse(null)).hasMessageContaining("the modes are claude, openrouter");
    }
}
