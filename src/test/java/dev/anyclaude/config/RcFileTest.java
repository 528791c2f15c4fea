package dev.anyclaude.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RcFileTest {

    private static final Path FILE = Path.of("/x/.anyclauderc.json");
    private static final List<String> FIELDS = List.of("baseUrl", "model", "models", "mode", "retries",
            "maxRetryBackoff", "maxRetryAfter", "haikuModel", "description");

    @Test
    void fieldsKeepTheFileOrder() {
        RcFile file = RcFile.parse(FILE, "{\"mode\": \"ollama\", \"model\": \"m\", \"retries\": 3}");

        assertThat(file.fields().keySet()).containsExactly("mode", "model", "retries");
        assertThat(file.fields().get("retries").intValue()).isEqualTo(3);
    }

    @Test
    void malformedJsonIsReportedWithLineAndColumn() {
        assertThatThrownBy(() -> RcFile.parse(FILE, "{\n\n   \"mode\" \"ollama\"}"))
                .hasMessageStartingWith(FILE + ": invalid JSON at line 3, column 11: ");
        assertThatThrownBy(() -> RcFile.parse(FILE, "{\"mode\": \"ollama\"} {}"))
                .hasMessageStartingWith(FILE + ": invalid JSON at line 1, column ");
        assertThatThrownBy(() -> RcFile.parse(FILE, "{\"mode\": \"ollama\""))
                .hasMessageStartingWith(FILE + ": invalid JSON at line 1, column ");
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(nullValues = "-", value = {
            "base-url, baseUrl",
            "BASE_URL, baseUrl",
            "modle, model",
            "model, model",
            "retires, retries",
            "retry, -",
            "maxRetryBackof, maxRetryBackoff",
            "haiku, -",
            "backend, -",
            "zzzzzzzzzzzzz, -"})
    void theClosestFieldIsFoundWhenThereIsOne(String typed, String closest) {
        assertThat(RcFile.closest(typed, FIELDS)).isEqualTo(closest);
    }

    @Test
    void transposedLettersCountAsOneEdit() {
        assertThat(RcFile.distance("mdoel", "model")).isEqualTo(1);
        assertThat(RcFile.distance("", "abc")).isEqualTo(3);
    }
}
