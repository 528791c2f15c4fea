package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP/1.1 calls to a gateway with the JDK client, for what the SDK cannot send (malformed bodies, raw
 * headers) or to see the exact bytes. Every {@code text/event-stream} response is validated as it is read.
 */
public final class RawHttp implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;

    public RawHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response; {@code stream} is the validated event stream when the body was one, else null. */
    public record Response(int status, HttpHeaders headers, byte[] body, Sse.Result stream) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.parse(body);
            } catch (RuntimeException e) {
                throw new AssertionError("response body is not JSON (status " + status + "): " + text(), e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public boolean isEventStream() {
            String type = header("content-type");
            return type != null && type.toLowerCase().startsWith("text/event-stream");
        }
    }

    public Response post(String path, String body, String... headerPairs) throws IOException, InterruptedException {
        return post(path, body.getBytes(StandardCharsets.UTF_8), headerPairs);
    }

    public Response post(String path, byte[] body, String... headerPairs) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path, headerPairs).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!hasHeader(headerPairs, "content-type")) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    public Response get(String path, String... headerPairs) throws IOException, InterruptedException {
        return send(request(path, headerPairs).GET().build());
    }

    public Response head(String path, String... headerPairs) throws IOException, InterruptedException {
        return send(request(path, headerPairs).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpRequest.Builder request(String path, String... headerPairs) {
        if (headerPairs.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name, value pairs");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headerPairs.length; i += 2) {
            builder.header(headerPairs[i], headerPairs[i + 1]);
        }
        return builder;
    }

    private static boolean hasHeader(String[] pairs, String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = response.body() == null ? new byte[0] : response.body();
        String type = response.headers().firstValue("content-type").orElse("");
        Sse.Result stream = type.toLowerCase().startsWith("text/event-stream") ? Sse.validate(body) : null;
        return new Response(response.statusCode(), response.headers(), body, stream);
    }

    @Override
    public void close() {
        client.close();
    }
}
