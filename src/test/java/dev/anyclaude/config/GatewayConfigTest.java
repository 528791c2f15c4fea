package dev.anyclaude.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {

    private static GatewayConfig config(int port, Integer maxOutputTokens, Duration connect, Duration headers,
                                        Duration ping) {
        return new GatewayConfig("127.0.0.1", port, "http://h:8000/v1", Protocol.OPENAI, null, null, null, null,
                maxOutputTokens, connect, headers, ping);
    }

    // ---- base URL normalisation ---------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "http://h:8000, http://h:8000/v1",
            "http://h:8000/, http://h:8000/v1",
            "http://h:8000/v1, http://h:8000/v1",
            "http://h:8000/v1/, http://h:8000/v1",
            "http://h:8000/v1//, http://h:8000/v1",
            "'  http://h:8000/v1  ', http://h:8000/v1",
            "https://openrouter.ai/api/v1, https://openrouter.ai/api/v1",
            "https://api.deepseek.com, https://api.deepseek.com/v1",
            "https://generativelanguage.googleapis.com/v1beta/openai, https://generativelanguage.googleapis.com/v1beta/openai",
            "https://generativelanguage.googleapis.com/v1beta/openai/, https://generativelanguage.googleapis.com/v1beta/openai",
            "https://api.example.com/v4, https://api.example.com/v4",
            "http://127.0.0.1:1234/api, http://127.0.0.1:1234/api/v1"})
    void openAiBaseUrlEndsInItsVersionPath(String given, String normalised) {
        assertThat(GatewayConfig.of(given, Protocol.OPENAI).baseUrl()).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "https://api.anthropic.com, https://api.anthropic.com",
            "https://api.anthropic.com/, https://api.anthropic.com",
            "https://api.anthropic.com/v1, https://api.anthropic.com",
            "https://api.anthropic.com/v1/, https://api.anthropic.com",
            "http://127.0.0.1:8080, http://127.0.0.1:8080",
            "https://api.deepseek.com/anthropic, https://api.deepseek.com/anthropic",
            "https://openrouter.ai/api/v1, https://openrouter.ai/api"})
    void anthropicBaseUrlHasNoV1(String given, String normalised) {
        assertThat(GatewayConfig.of(given, Protocol.ANTHROPIC).baseUrl()).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"notaurl", "h:8000", "ftp://h/v1", "file:///tmp/x", "http://", "http:///v1", "//h:8000/v1"})
    void urlThatIsNotHttpWithAHostIsRejected(String url) {
        assertThatThrownBy(() -> GatewayConfig.of(url, Protocol.OPENAI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("base URL ")
                .hasMessageContaining(url.strip());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"http://h:8000/v 1", "http://h:80 00", "http://[::1"})
    void malformedUrlIsRejectedAsNotAValidUrl(String url) {
        assertThatThrownBy(() -> GatewayConfig.of(url, Protocol.OPENAI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("base URL is not a valid URL: " + url);
    }

    @Test
    void notAUrlMessageSaysWhatIsExpected() {
        assertThatThrownBy(() -> GatewayConfig.of("notaurl", Protocol.ANTHROPIC))
                .hasMessage("base URL must be an http:// or https:// URL with a host: notaurl");
    }

    @Test
    void upperCaseSchemeIsAnHttpUrlAndIsLowerCased() {
        assertThat(GatewayConfig.of("HTTP://h:8000", Protocol.OPENAI).baseUrl()).isEqualTo("http://h:8000/v1");
        assertThat(GatewayConfig.of("Https://api.anthropic.com/v1", Protocol.ANTHROPIC).baseUrl())
                .isEqualTo("https://api.anthropic.com");
    }

    @Test
    void upstreamHostIsLowerCased() {
        assertThat(GatewayConfig.of("https://API.Anthropic.com/v1", Protocol.ANTHROPIC).upstreamHost())
                .isEqualTo("api.anthropic.com");
    }

    // ---- other settings -----------------------------------------------------------------------------------

    @Test
    void defaultsFillWhatIsNotGiven() {
        GatewayConfig config = GatewayConfig.of("http://h:8000", Protocol.OPENAI);

        assertThat(config.flavor()).isEqualTo("auto");
        assertThat(config.pingInterval()).isEqualTo(GatewayConfig.DEFAULT_PING_INTERVAL);
        assertThat(config.connectTimeout()).isEqualTo(GatewayConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(config.headersTimeout()).isEqualTo(GatewayConfig.DEFAULT_HEADERS_TIMEOUT);
        assertThat(config.maxOutputTokens()).isNull();
    }

    @Test
    void flavorIsLowerCased() {
        assertThat(GatewayConfig.of("http://h:8000", Protocol.OPENAI).withFlavor("vLLM").flavor()).isEqualTo("vllm");
    }

    @ParameterizedTest(name = "[{index}] port {0}")
    @ValueSource(ints = {0, 1, 8082, 65535})
    void portInRangeIsAccepted(int port) {
        assertThat(config(port, null, null, null, null).port()).isEqualTo(port);
    }

    @ParameterizedTest(name = "[{index}] port {0}")
    @ValueSource(ints = {-1, 65536, 100000})
    void portOutOfRangeIsRejected(int port) {
        assertThatThrownBy(() -> config(port, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535, got " + port);
    }

    @Test
    void pingIntervalMustBePositive() {
        assertThatThrownBy(() -> config(0, null, null, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pingInterval must be positive");
        assertThatThrownBy(() -> GatewayConfig.of("http://h", Protocol.OPENAI).withPingInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pingInterval must be positive");
        assertThat(config(0, null, null, null, Duration.ofMillis(1)).pingInterval()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void maxOutputTokensMustBePositive() {
        assertThatThrownBy(() -> config(0, 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxOutputTokens must be positive, got 0");
        assertThatThrownBy(() -> GatewayConfig.of("http://h", Protocol.OPENAI).withMaxOutputTokens(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxOutputTokens must be positive, got -5");
        assertThat(config(0, 1, null, null, null).maxOutputTokens()).isEqualTo(1);
    }

    @Test
    void timeoutsMustBePositive() {
        // the HTTP client refuses a zero or negative timeout only when it is used: at start-up or per request
        assertThatThrownBy(() -> config(0, null, Duration.ZERO, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("connectTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> config(0, null, null, Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("headersTimeout must be positive, got PT-1S");
    }

    @Test
    void withersKeepTheOtherSettings() {
        GatewayConfig config = config(9000, 4096, Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5))
                .withModel("m").withApiKeyEnv("KEY").withRelay(false);

        assertThat(config).isEqualTo(new GatewayConfig("127.0.0.1", 9000, "http://h:8000/v1", Protocol.OPENAI, "KEY",
                "m", "auto", false, 4096, Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5)));
    }

    @Test
    void replicasAreNormalisedLikeTheBaseUrlWhichIsReplicaZero() {
        GatewayConfig config = GatewayConfig.of("http://gpu-1:8000/v1", Protocol.OPENAI)
                .withReplicas(java.util.List.of("http://gpu-2:8000/", "HTTP://gpu-3:8000/v1"));

        assertThat(config.replicas()).containsExactly("http://gpu-2:8000/v1", "http://gpu-3:8000/v1");
        assertThat(config.baseUrls()).containsExactly("http://gpu-1:8000/v1", "http://gpu-2:8000/v1",
                "http://gpu-3:8000/v1");
        assertThat(config.withModel("m").replicas()).isEqualTo(config.replicas());
        assertThat(config.withBaseUrl("http://gpu-2:8000/v1").baseUrls()).containsExactly("http://gpu-2:8000/v1");
        assertThat(GatewayConfig.of("http://gpu-1:8000/v1", Protocol.OPENAI).replicas()).isEmpty();
    }

    @Test
    void aReplicaListedTwiceOrRepeatingTheBaseUrlIsRefused() {
        GatewayConfig base = GatewayConfig.of("http://gpu-1:8000/v1", Protocol.OPENAI);

        assertThatThrownBy(() -> base.withReplicas(java.util.List.of("http://gpu-1:8000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> base.withReplicas(java.util.List.of("http://gpu-2:8000/v1", "http://gpu-2:8000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> base.withReplicas(java.util.List.of("gpu-2:8000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
    }
}
