package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
        // made on first use or by prepare(): building a JDK client sets up TLS (hundreds of classes), which
        // the gateway does not need to start listening
    }

    /**
     * Makes the client now unless it exists or this is closed: the gateway calls it on a background thread
     * once it listens, so that the first request does not wait for the client's set-up (about 0.1 s in a JVM
     * that has just started). Ordered with {@link #close} by the lock: a client made here is one that close
     * stops and waits for.
     */
    public synchronized void prepare() {
        if (!closed && client == null) {
            client = newClient();
        }
    }

    private HttpClient client() {
        HttpClient current = client;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (client == null) {
                client = newClient();
                if (closed) {
                    client.shutdownNow();
                }
            }
            return client;
        }
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
        if (client != null) {
            client.shutdownNow();
            try {
                // its selector thread ends shortly after; wait for it, so a closed gateway leaves no thread behind
                client.awaitTermination(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    /** A request body the exchange lets go of once the response headers are in: see {@link ReleasableBody}. */
    public static HttpRequest.BodyPublisher body(byte[] bytes) {
        return new ReleasableBody(bytes);
    }

    /** Starts a request builder for {@code url} with the headers-timeout applied. */
    public HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(headersTimeout);
    }

    /**
     * Sends and returns once the status and headers are in; the body is left to the caller, who must
     * close it. Connection failures and timeouts become {@link UpstreamException}s.
     */
    public HttpResponse<InputStream> send(HttpRequest request, String backendName) {
        HttpClient used = client();
        try {
            return used.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw failure(e, request, backendName, used);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(ApiError.apiError("interrupted while waiting for the upstream"),
                    UpstreamException.Kind.TIMEOUT, 0, null, e);
        }
    }

    /**
     * Sends one attempt of a watched call: {@code control} can abort it while the headers are awaited
     * (the exchange is cancelled) and while the body is read (the body is closed); every read counts as
     * progress for its idle deadline. An aborted call raises the abort's error.
     */
    public HttpResponse<InputStream> send(HttpRequest request, String backendName, CallControl control) {
        control.attemptStarted();
        HttpClient used = client();
        CompletableFuture<HttpResponse<InputStream>> pending =
                used.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        control.onAbort(() -> pending.cancel(true));
        try {
            control.requestSent();
        } catch (RuntimeException e) {
            pending.cancel(true);
            control.attemptEnded();
            throw e;
        }
        HttpResponse<InputStream> response;
        try {
            response = pending.get();
            ReleasableBody.releaseBodyOf(request);
        } catch (CancellationException e) {
            control.attemptEnded();
            throw aborted(control, e);
        } catch (ExecutionException e) {
            control.attemptEnded();
            if (control.aborted()) {
                throw aborted(control, e.getCause());
            }
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw failure(io, request, backendName, used);
            }
            throw new UpstreamException(ApiError.apiError(backendName + " upstream call failed: " + cause),
                    UpstreamException.Kind.IO, 0, null, cause);
        } catch (InterruptedException e) {
            pending.cancel(true);
            control.attemptEnded();
            Thread.currentThread().interrupt();
            throw new UpstreamException(ApiError.apiError("interrupted while waiting for the upstream"),
                    UpstreamException.Kind.TIMEOUT, 0, null, e);
        }
        control.clearAbortActions();
        control.headersReceived();
        InputStream body = control.watch(response.body());
        return new BufferedResponse<>(response, body);
    }

    private static UpstreamException aborted(CallControl control, Throwable cause) {
        ApiError why = control.abortError() != null ? control.abortError()
                : ApiError.apiError("the upstream call was cancelled");
        return new UpstreamException(why, UpstreamException.Kind.TIMEOUT, 0, null, cause);
    }

    private UpstreamException failure(IOException e, HttpRequest request, String backendName, HttpClient used) {
        String where = request.uri().getScheme() + "://" + request.uri().getAuthority();
        if (!(e instanceof HttpTimeoutException) && !(e instanceof ConnectException)) {
            // e.g. a server whose headers never end (the client gives up past jdk.http.maxHeaderSize)
            LOG.warn("{}: upstream connection failed: {}", backendName, e.toString());
            if (e instanceof ProtocolException) {
                retire(used);
            }
        }
        return switch (e) {
            case HttpConnectTimeoutException t -> new UpstreamException(ApiError.overloaded(backendName
                    + " upstream did not accept a connection in time (" + where + ")"),
                    UpstreamException.Kind.CONNECT, 0, null, e);
            case HttpTimeoutException t -> new UpstreamException(new ApiError(504, "timeout_error",
                    backendName + " upstream sent no response headers within " + headersTimeout.toSeconds() + " s"),
                    UpstreamException.Kind.TIMEOUT, 0, null, e);
            case ConnectException c -> new UpstreamException(ApiError.overloaded(backendName
                    + " upstream is not reachable at " + where + " (connection refused)"),
                    UpstreamException.Kind.CONNECT, 0, null, e);
            default -> new UpstreamException(ApiError.overloaded(backendName + " upstream connection failed: "
                    + reason(e)), UpstreamException.Kind.IO, 0, null, e);
        };
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
        return new BufferedResponse<>(response, body);
    }

    /** The JSON of a {@code 200} answer; null for any other status or a body that is not JSON. */
    public static JsonNode jsonIfOk(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            return null;
        }
        try {
            return Json.parse(response.body());
        } catch (JacksonException e) {
            return null;
        }
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

    /** A response with another body in place of the client's. */
    private record BufferedResponse<T>(HttpResponse<InputStream> response, T body) implements HttpResponse<T> {
        public int statusCode() {
            return response.statusCode();
        }

        public HttpRequest request() {
            return response.request();
        }

        public java.util.Optional<HttpResponse<T>> previousResponse() {
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
