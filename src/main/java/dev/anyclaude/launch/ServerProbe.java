package dev.anyclaude.launch;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a model server whether it is up: {@code GET {baseUrl}/models} for an OpenAI upstream,
 * {@code GET {baseUrl}/v1/models} for an Anthropic one. No key is sent: a 401 already says a server is there.
 */
public final class ServerProbe implements AutoCloseable {

    /** What a probe saw. */
    public sealed interface Result {
        /** True when the server can take requests. */
        boolean ready();

        /** True when something answered HTTP at all. */
        boolean answered();
    }

    /**
     * An HTTP answer. Any status below 500 means a server is up (a 404 from a server without a model list, a 401
     * from one that wants a key); 5xx is a server still loading (llama.cpp's 503) or a proxy whose backend is not.
     */
    public record Answered(int status) implements Result {
        @Override
        public boolean ready() {
            return status < 500;
        }

        @Override
        public boolean answered() {
            return true;
        }
    }

    /** No HTTP answer: refused, timed out, unresolvable. */
    public record Unreachable(String reason) implements Result {
        @Override
        public boolean ready() {
            return false;
        }

        @Override
        public boolean answered() {
            return false;
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    public ServerProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The URL that tells whether the upstream of {@code config} is up. */
    public static URI modelsUrl(GatewayConfig config) {
        return URI.create(config.baseUrl() + (config.protocol() == Protocol.OPENAI ? "/models" : "/v1/models"));
    }

    public Result probe(URI url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("accept", "application/json").build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return new Answered(response.statusCode());
        } catch (IOException e) {
            String reason = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                    : e.getMessage();
            return new Unreachable(reason);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
