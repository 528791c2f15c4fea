package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The upstream HTTP client shared by all backends: HTTP/1.1 (what local servers speak), virtual
 * threads, a connect timeout, a time limit for the response headers, and failures turned into
 * Anthropic errors so callers never see a raw {@link IOException}.
 */
public final class UpstreamHttp implements AutoCloseable {
    /** Error bodies beyond this are cut: they are only read to build a message. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpClient client;
    private final Duration headersTimeout;

    public UpstreamHttp(Duration connectTimeout, Duration headersTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.headersTimeout = headersTimeout;
    }

    /** Stops the client and aborts whatever is still in flight (gateway shutdown, end of a test). */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /** Starts a request builder for {@code url} with the headers-timeout applied. */
    public HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(headersTimeout);
    }

    /**
     * Sends and returns once the status and headers are in; the body is left to the caller, who must
     * close it. Connection failures and timeouts become {@link ApiException}s.
     */
    public HttpResponse<InputStream> send(HttpRequest request, String backendName) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new ApiException(ApiError.overloaded(backendName + " upstream did not accept a connection in time ("
                    + request.uri().getHost() + ":" + request.uri().getPort() + ")"), e);
        } catch (HttpTimeoutException e) {
            throw new ApiException(new ApiError(504, "timeout_error",
                    backendName + " upstream sent no response headers within " + headersTimeout.toSeconds() + " s"), e);
        } catch (ConnectException e) {
            throw new ApiException(ApiError.overloaded(backendName + " upstream is not reachable at "
                    + request.uri().getScheme() + "://" + request.uri().getAuthority() + " (connection refused)"), e);
        } catch (IOException e) {
            throw new ApiException(ApiError.overloaded(backendName + " upstream connection failed: " + e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.apiError("interrupted while waiting for the upstream"), e);
        }
    }

    /** Sends a small request and reads the whole (bounded) body. */
    public HttpResponse<byte[]> sendSmall(HttpRequest request, String backendName) {
        HttpResponse<InputStream> response = send(request, backendName);
        byte[] body = readBounded(response.body(), 16 * 1024 * 1024);
        return new BufferedResponse(response, body);
    }

    /** Reads an error body, at most {@value #MAX_ERROR_BODY} bytes, and closes the stream. */
    public static byte[] readErrorBody(InputStream body) {
        return readBounded(body, MAX_ERROR_BODY);
    }

    private static byte[] readBounded(InputStream body, int limit) {
        try (body) {
            return body.readNBytes(limit);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Adds headers, skipping null values. */
    public static HttpRequest.Builder headers(HttpRequest.Builder builder, Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (value != null) {
                builder.header(name, value);
            }
        });
        return builder;
    }

    private record BufferedResponse(HttpResponse<InputStream> response, byte[] body) implements HttpResponse<byte[]> {
        public int statusCode() {
            return response.statusCode();
        }

        public HttpRequest request() {
            return response.request();
        }

        public java.util.Optional<HttpResponse<byte[]>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return response.headers();
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return response.sslSession();
        }

        public URI uri() {
            return response.uri();
        }

        public HttpClient.Version version() {
            return response.version();
        }
    }
}
