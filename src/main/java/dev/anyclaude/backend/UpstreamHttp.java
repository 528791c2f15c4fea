package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The upstream HTTP client shared by all backends: HTTP/1.1 (what local servers speak), virtual
 * threads, a connect timeout, a time limit for the response headers, and failures turned into
 * Anthropic errors so callers never see a raw {@link IOException}.
 */
public final class UpstreamHttp implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamHttp.class);
    /** Error bodies beyond this are cut: they are only read to build a message. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Duration connectTimeout;
    private final Duration headersTimeout;
    private volatile HttpClient client;
    /** Clients replaced after a protocol error, finishing their other exchanges before they close. */
    private final Set<HttpClient> retiring = ConcurrentHashMap.newKeySet();
    private boolean closed;

    public UpstreamHttp(Duration connectTimeout, Duration headersTimeout) {
        this.connectTimeout = connectTimeout;
        this.headersTimeout = headersTimeout;
        this.client = newClient();
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Stops the client and aborts whatever is still in flight (gateway shutdown, end of a test). */
    @Override
    public synchronized void close() {
        closed = true;
        client.shutdownNow();
        retiring.forEach(HttpClient::shutdownNow);
    }

    /**
     * The JDK client (25) leaves the connection open when it refuses response headers (too large, malformed):
     * its header reader fails the exchange without closing the socket, and a server that keeps sending
     * keeps it open for good. One connection cannot be closed from outside, so the client that holds it is
     * replaced; the old one finishes its other exchanges and then closes, that connection with it.
     */
    private synchronized void retire(HttpClient broken) {
        if (closed || client != broken) {
            return;
        }
        client = newClient();
        retiring.add(broken);
        broken.shutdown();
        Thread.ofVirtual().name("upstream-client-retire").start(() -> {
            try {
                broken.awaitTermination(Duration.ofDays(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                retiring.remove(broken);
            }
        });
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
        HttpClient used = client;
        try {
            return used.send(request, HttpResponse.BodyHandlers.ofInputStream());
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
            // e.g. a server whose headers never end (the client gives up past jdk.http.maxHeaderSize)
            LOG.warn("{}: upstream connection failed: {}", backendName, e.toString());
            if (e instanceof ProtocolException) {
                retire(used);
            }
            throw new ApiException(ApiError.overloaded(backendName + " upstream connection failed: " + reason(e)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.apiError("interrupted while waiting for the upstream"), e);
        }
    }

    /** What went wrong with a connection, in words for a client: the JDK's message, not its class name. */
    static String reason(IOException e) {
        String message = e.getMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        return e instanceof java.io.EOFException ? "the connection closed early" : "connection error";
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
