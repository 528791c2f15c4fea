package dev.anyclaude.testing;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.server.GatewayServer;

import java.time.Duration;
import java.util.Map;

/**
 * An in-process gateway with the clients a test talks to it with: the official Anthropic SDK (no retries,
 * every event stream it reads validated by {@link Sse.Recorder}) and {@link RawHttp}.
 */
public final class GatewayUnderTest implements AutoCloseable {

    public static final String CLIENT_KEY = "sk-ant-client-test-key";

    private final GatewayServer server;
    private final Sse.Recorder streams = Sse.recorder();
    private final AnthropicClient sdk;
    private final RawHttp http;

    private GatewayUnderTest(GatewayServer server) {
        this.server = server;
        this.sdk = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(CLIENT_KEY)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(60))
                .addInterceptor(streams)
                .build();
        this.http = new RawHttp(server.port());
    }

    public static GatewayUnderTest start(GatewayConfig config, Map<String, String> env) {
        return new GatewayUnderTest(GatewayServer.start(config, env));
    }

    /** A gateway whose deadlines and retry waits run on {@code watchdog}'s (usually manual) time. */
    public static GatewayUnderTest start(GatewayConfig config, Map<String, String> env, Watchdog watchdog) {
        return new GatewayUnderTest(GatewayServer.start(config, env, watchdog));
    }

    public GatewayServer server() {
        return server;
    }

    public static GatewayUnderTest start(GatewayConfig config) {
        return start(config, Map.of());
    }

    public int port() {
        return server.port();
    }

    public AnthropicClient sdk() {
        return sdk;
    }

    /** The event streams the SDK read, each validated. */
    public Sse.Recorder streams() {
        return streams;
    }

    public RawHttp http() {
        return http;
    }

    @Override
    public void close() {
        try {
            sdk.close();
            http.close();
        } finally {
            server.close();
        }
    }
}
