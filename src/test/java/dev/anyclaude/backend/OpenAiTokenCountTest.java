package dev.anyclaude.backend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** count_tokens through an OpenAI-compatible server: the server's own tokenizer where it has one. */
class OpenAiTokenCountTest {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private UpstreamHttp http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        if (http != null) {
            http.close();
        }
    }

    @Test
    void vllmTokenizeCountsTheChatMessages() throws IOException {
        start(Map.of("/tokenize", exchange -> reply(exchange, 200, "{\"count\":1234,\"max_model_len\":32768}")));
        OptionalLong count = backend("vllm").countTokens(call());
        assertThat(count).hasValue(1234);
        assertThat(bodies.getFirst().path("messages").isArray()).isTrue();
        assertThat(bodies.getFirst().path("model").asString()).isEqualTo("qwen3");
    }

    @Test
    void llamaCppRendersTheTemplateThenTokenizes() throws IOException {
        start(Map.of(
                "/tokenize", exchange -> {
                    JsonNode body = bodies.getLast();
                    if (body.has("content")) {
                        reply(exchange, 200, "{\"tokens\":[1,2,3,4,5,6,7]}");
                    } else {
                        // llama.cpp reads "content"; a chat-shaped body tokenizes nothing
                        reply(exchange, 200, "{\"tokens\":[]}");
                    }
                },
                "/apply-template", exchange -> reply(exchange, 200,
                        "{\"prompt\":\"<|im_start|>user\\nhello<|im_end|>\\n<|im_start|>assistant\\n\"}")));
        Backend backend = backend("llamacpp");
        assertThat(backend.countTokens(call())).hasValue(7);
        assertThat(seen).containsExactly("/tokenize", "/apply-template", "/tokenize");
        assertThat(backend.countTokens(call())).hasValue(7);
        assertThat(seen).as("the method found first is used directly afterwards")
                .containsExactly("/tokenize", "/apply-template", "/tokenize", "/apply-template", "/tokenize");
    }

    @Test
    void serverWithoutTokenizerIsAskedOnceThenLeftAlone() throws IOException {
        start(Map.of());
        Backend backend = backend("generic");
        assertThat(backend.countTokens(call())).isEmpty();
        int asked = seen.size();
        assertThat(asked).isPositive();
        assertThat(backend.countTokens(call())).isEmpty();
        assertThat(seen).hasSize(asked);
    }

    @Test
    void cloudFlavorsAreNotAskedAtAll() throws IOException {
        start(Map.of());
        assertThat(backend("openrouter").countTokens(call())).isEmpty();
        assertThat(backend("ollama").countTokens(call())).isEmpty();
        assertThat(seen).isEmpty();
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private void start(Map<String, Handler> routes) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            seen.add(path);
            byte[] body = exchange.getRequestBody().readAllBytes();
            bodies.add(body.length == 0 ? Json.object() : Json.parse(body));
            Handler handler = routes.get(path);
            if (handler == null) {
                reply(exchange, 404, "{\"error\":\"not found\"}");
            } else {
                handler.handle(exchange);
            }
        });
        server.start();
        http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private Backend backend(String flavor) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        return new OpenAiBackend(GatewayConfig.of(base, Protocol.OPENAI).withFlavor(flavor), http, Map.of());
    }

    private static BackendCall call() {
        MessagesRequest request = RequestParser.parseCountTokens("""
                {"model":"qwen3","messages":[{"role":"user","content":"hello"}]}
                """.getBytes(StandardCharsets.UTF_8));
        return new BackendCall(request, "qwen3", ClientHeaders.EMPTY);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
