package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.BoundedMemo;
import dev.anyclaude.api.Json;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.ConnectedSocketChannelInfo;
import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.ConnectedSocketInfo;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.ConnectionListener;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientProtocolConfig;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * The upstream HTTP client shared by all backends: HTTP/1.1 (what local servers speak), a connect timeout, a
 * time limit for the response headers, and failures turned into Anthropic errors so callers never see a raw
 * {@link IOException}.
 *
 * <p>Callers describe a request with the JDK's immutable {@link HttpRequest} and get an {@link HttpResponse}
 * back; the exchange itself runs on Helidon's HTTP/1.1 client, which reads and writes the socket on the
 * caller's own (virtual) thread. The JDK client hands every read from its one selector thread to an executor
 * and then to the reading thread, and wakes the selector again for the next one; at 64 concurrent streams on
 * two CPUs those hand-offs were most of the time the gateway added before the first token (see
 * docs/BENCHMARKS.md).
 */
public final class UpstreamHttp implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamHttp.class);

    static {
        HelidonRegistry.install(); // before this class's Helidon parts ask Helidon for its registry
    }
    /** Error bodies beyond this are cut: they are only read to build a message. */
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /**
     * The read timeout of a watched exchange on a connection that may be kept: longer than any deadline of a
     * call (which the watchdog enforces), and how long a kept connection may stay idle in the pool.
     */
    private static final Duration KEPT_CONNECTION_READ_TIMEOUT = Duration.ofHours(1);
    /**
     * How long a connection to a plain-HTTP upstream is kept idle for the next exchange: under the five seconds
     * after which llama.cpp's and uvicorn's (vLLM's) servers close an idle connection themselves.
     */
    static final Duration KEPT_IDLE = Duration.ofSeconds(4);
    /** The most connections kept idle to one plain-HTTP server (one with a thread per connection holds a thread each). */
    static final int KEPT_PER_SERVER = 32;
    /** Response header block limit: far above what servers send, it only bounds memory. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** The most of a response {@link #finishReading} reads after the caller is done with it. */
    static final int MAX_REST_BYTES = 64 * 1024;
    /** How long {@link #finishReading} waits for the rest of a response before closing its connection instead. */
    static final Duration REST_WAIT = Duration.ofMillis(500);

    private final Duration connectTimeout;
    private final Duration headersTimeout;
    /** Makes {@link #tls}. */
    private final Supplier<Tls> tlsMaker;
    /**
     * The TLS set-up of https exchanges (trusted certificates, protocols), made on the first one. The clients
     * themselves are made without TLS: its set-up (the JDK's TLS context and its trust store) cost 0.1-0.15 s
     * of CPU in a JVM that has just started, and a plain-HTTP upstream, a local server, never needs it
     * (docs/BENCHMARKS.md, tenth pass).
     */
    private volatile Tls tls;
    /** The connections of the exchanges in flight, from connect until their response is closed. */
    private final Set<Connecting> open = ConcurrentHashMap.newKeySet();
    /** Connections to plain-HTTP upstreams between exchanges. */
    private final KeptConnections kept;
    /** Whether a look for expired kept connections is due on the timer. */
    private final AtomicBoolean sweepDue = new AtomicBoolean();
    /** The responses whose rest {@link #finishReading} is reading; close ends them. */
    private final Set<ResponseBody> resting = ConcurrentHashMap.newKeySet();
    /** How many responses {@link #finishReading} has read to their end (or given up on) and closed; for tests. */
    private int restsRead;
    private volatile Http1Client client;
    /**
     * Opens the connections of {@link #connectEarly}, with the client's socket options; made with the client,
     * null when the client goes through a proxy (whose connections are Helidon's to make).
     */
    private volatile WebClient connector;
    /** Ends a wait for response headers that takes too long; made with the client. */
    private ScheduledThreadPoolExecutor timer;
    private boolean closed;

    public UpstreamHttp(Duration connectTimeout, Duration headersTimeout) {
        this(connectTimeout, headersTimeout, () -> Tls.builder().build());
    }

    /** @param tls makes the TLS set-up of https exchanges, once, on the first (tests: one trusting their server) */
    UpstreamHttp(Duration connectTimeout, Duration headersTimeout, Supplier<Tls> tls) {
        this(connectTimeout, headersTimeout, tls, Ticker.system());
    }

    /** @param ticker the time by which kept connections expire (tests: a manual clock) */
    UpstreamHttp(Duration connectTimeout, Duration headersTimeout, Supplier<Tls> tls, Ticker ticker) {
        this.connectTimeout = connectTimeout;
        this.headersTimeout = headersTimeout;
        this.tlsMaker = tls;
        this.kept = new KeptConnections(ticker, KEPT_IDLE, KEPT_PER_SERVER);
        // made on first use or by prepare(): the client's set-up (media support, and TLS for an https upstream)
        // is not needed for the gateway to start listening
    }

    /**
     * Makes the client now unless it exists or this is closed, and the TLS set-up when one of {@code upstreams}
     * (the URLs the gateway sends to) is https: the gateway calls it on a background thread once it listens, so
     * that the first request does not wait for either. Ordered with {@link #close} by the lock: a client made
     * here is one that close stops.
     */
    public synchronized void prepare(Collection<String> upstreams) {
        if (!closed && client == null) {
            makeClient();
        }
        if (!closed && upstreams.stream().anyMatch(url -> url.regionMatches(true, 0, "https:", 0, 6))) {
            tls();
        }
    }

    /** True once the TLS set-up of https exchanges has been made. */
    synchronized boolean tlsMade() {
        return tls != null;
    }

    /** The TLS the client and the early connector were made with (for tests: none), once made. */
    synchronized List<Tls> clientsTls() {
        List<Tls> made = new ArrayList<>();
        if (client != null) {
            made.add(client.prototype().tls());
        }
        if (connector != null) {
            made.add(connector.prototype().tls());
        }
        return made;
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("upstream-headers-timer")
                    .factory());
            timer.setRemoveOnCancelPolicy(true);
            // A task due within the minute, always: the timer thread then sleeps towards it, and scheduling a
            // request's limit (ten minutes by default) lands behind it without waking the thread. An empty queue
            // made every schedule a wake-up of that thread, on the request's path (docs/BENCHMARKS.md, ninth
            // pass). A limit under a minute still wakes it, as it must.
            timer.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.MINUTES);
            if (closed) {
                timer.shutdownNow();
            }
        }
        return timer;
    }

    /** True once the client has been made (by {@link #prepare} or a first request). */
    synchronized boolean prepared() {
        return client != null;
    }

    private Http1Client client() {
        Http1Client current = client;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (client == null) {
                makeClient();
                if (closed) {
                    client.closeResource();
                }
            }
            return client;
        }
    }

    /** Hands a new connection's socket to the exchange it is made for ({@link #CONNECTING}). */
    private static final ConnectionListener TELLS_THE_EXCHANGE = new ConnectionListener() {
        @Override
        public void socketConnected(ConnectedSocketInfo info) {
            connected(info);
        }

        @Override
        public void socketChannelConnected(ConnectedSocketChannelInfo info) {
            // the clients connect plain sockets
        }
    };

    /**
     * Makes the client and, for connections made without a proxy, {@link #connectEarly}'s connector: the proxy
     * settings are read once, for both. The caller holds the lock.
     */
    private void makeClient() {
        Proxy proxy = proxy();
        client = newClient(proxy);
        connector = proxy.type() == Proxy.ProxyType.NONE ? newConnector() : null;
    }

    private Http1Client newClient(Proxy proxy) {
        return Http1Client.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(headersTimeout)
                .followRedirects(false)
                // TLS is set per https exchange (see tls): made here, its set-up would be paid by every gateway
                .tls(NoTls.NONE)
                // a body is sent at once: no round trip to ask a local server whether it wants it
                .sendExpectContinue(false)
                .proxy(proxy)
                .shareConnectionCache(false)
                // each request and each write goes out at once (Helidon's default keeps Nagle's algorithm on)
                .socketOptions(SocketOptions.builder().tcpNoDelay(true).build())
                // Connections are kept only for TLS upstreams (see keepAlive below)
                .keepAlive(false)
                .connectionListener(TELLS_THE_EXCHANGE)
                .protocolConfig(Http1ClientProtocolConfig.builder().maxHeaderSize(MAX_HEADER_BYTES).build())
                .build();
    }

    /**
     * What opens {@link #connectEarly}'s connections: the settings of {@link #newClient} that a connection's
     * socket is made with (connect timeout, Nagle off, the listener that tells an exchange its socket), and no
     * proxy, since an early connection is only made without one.
     */
    private WebClient newConnector() {
        return WebClient.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(headersTimeout)
                .proxy(Proxy.noProxy())
                .tls(NoTls.NONE)
                .socketOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .connectionListener(TELLS_THE_EXCHANGE)
                .build();
    }

    /** The JVM's proxy settings that send a connection through a proxy. */
    private static final List<String> PROXY_PROPERTIES = List.of("http.proxyHost", "https.proxyHost", "socksProxyHost");

    /**
     * The JVM's proxy settings ({@code -Dhttps.proxyHost=...}, {@code -Djava.net.useSystemProxies=true}) when it has
     * any, else none. Helidon's system-proxy path asks for the host name of the upstream's address on every new
     * connection, a reverse lookup that for a LAN server given by its address is a DNS query on the request's path.
     */
    static Proxy proxy() {
        boolean configured = Boolean.getBoolean("java.net.useSystemProxies")
                || PROXY_PROPERTIES.stream().anyMatch(name -> !System.getProperty(name, "").isBlank());
        return configured ? Proxy.create() : Proxy.noProxy();
    }

    /**
     * Takes over a response whose content the caller has all of (a Chat Completions stream after {@code [DONE]}:
     * the end of the chunked body follows) when its connection may be kept (https): a virtual thread of its own
     * reads the rest and closes it, so that the connection goes back to the pool instead of being closed, and the
     * next request to a cloud upstream skips the TLS handshake, several round trips. Helidon keeps a connection
     * only once its response was read to the end, and for a chunked body it does not read the rest itself. At
     * most {@link #MAX_REST_BYTES}, arriving within {@link #REST_WAIT}: otherwise the connection is closed, as it
     * would have been (an interrupt ends the wait, and closes the blocked socket of the virtual thread). The
     * caller's own work is not held up by any of it.
     *
     * @return true when {@code body} was taken over (it is closed once read: the caller must not close it); false
     *         when there is nothing to keep, and the caller closes it as usual
     */
    public boolean finishReading(InputStream body) {
        InputStream unwatched = body instanceof CallControl.Watched watched ? watched.unwatched() : body;
        if (!(unwatched instanceof ResponseBody response) || !response.keepAlive || response.closeDelimited) {
            return false;
        }
        ScheduledExecutorService timer;
        synchronized (this) {
            if (closed) {
                return false;
            }
            timer = timer();
            resting.add(response);
        }
        Thread.ofVirtual().name("upstream-rest").start(() -> {
            try {
                response.readRest(timer, REST_WAIT, MAX_REST_BYTES);
            } finally {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
                restRead(response);
            }
        });
        return true;
    }

    private synchronized void restRead(ResponseBody response) {
        resting.remove(response);
        restsRead++;
        notifyAll();
    }

    /** Waits until {@link #finishReading} has dealt with {@code count} responses in all; false after {@code timeout}. */
    synchronized boolean awaitRestsRead(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (restsRead < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Stops the client and aborts whatever is still in flight (gateway shutdown, end of a test). */
    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.closeResource();
        }
        open.forEach(Connecting::close);
        kept.close();
        // a rest still being read: closing its response closes its connection, which ends the read
        resting.forEach(ResponseBody::close);
        if (timer != null) {
            timer.shutdownNow();
            try {
                // a closed gateway leaves no thread behind
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A request body the exchange lets go of once the response headers are in: see {@link ReleasableBody}. */
    public static HttpRequest.BodyPublisher body(byte[] bytes) {
        return new ReleasableBody(bytes);
    }

    /** Starts a request builder for {@code url} with the headers-timeout applied. */
    public HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URIS.get(url, URI::create)).timeout(headersTimeout);
    }

    /**
     * Sends and returns once the status and headers are in; the body is left to the caller, who must
     * close it. Connection failures and timeouts become {@link UpstreamException}s.
     */
    public HttpResponse<InputStream> send(HttpRequest request, String backendName) {
        Duration limit = request.timeout().orElse(headersTimeout);
        // A plain-HTTP server's kept connection serves these too: a server with a thread per connection (llama.cpp)
        // holds one for each connection kept idle, and a new connection could wait behind them for a thread.
        try (EarlyConnection connection = connectEarly(request.uri().toString())) {
            // without a control there is no work of ours during the exchange, so no LocalFailure
            return exchange(request, limit, null, connection);
        } catch (RuntimeException e) {
            throw failure(e, request, backendName, limit);
        }
    }

    /**
     * Sends one attempt of a watched call: {@code control} can abort it while the headers are awaited
     * (the waiting thread is interrupted, which closes its socket) and while the body is read (the
     * response is closed); every read counts as progress for its idle deadline. An aborted call raises the
     * abort's error.
     */
    public HttpResponse<InputStream> send(HttpRequest request, String backendName, CallControl control) {
        return send(request, backendName, control, EarlyConnection.NONE);
    }

    /**
     * As {@link #send(HttpRequest, String, CallControl)}, over {@code early} when it is a connection to the
     * request's server (else as without it). A failed early connect fails the exchange as Helidon's own connect
     * would have, with the same exception.
     */
    public HttpResponse<InputStream> send(HttpRequest request, String backendName, CallControl control,
                                          EarlyConnection early) {
        control.attemptStarted();
        Duration headersLimit = request.timeout().orElse(headersTimeout);
        Waiter waiter = new Waiter();
        control.onAbort(waiter::interrupt);
        ScheduledFuture<?> timer;
        try {
            timer = timer().schedule(waiter::timeOut, headersLimit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            control.clearAbortActions();
            control.attemptEnded();
            throw new UpstreamException(ApiError.overloaded(backendName + " upstream client is closed (shutting down)"),
                    UpstreamException.Kind.IO, 0, null, e);
        }
        HttpResponse<InputStream> response;
        try {
            // No read timeout on the socket (zero): the timer above and the call's deadlines bound the waits, and
            // a virtual thread's timed read arms and cancels a timer for every read of the stream. A connection
            // that may be kept needs one: the pool's idle check closes a connection at its read timeout, and at
            // once for none.
            Duration socketLimit = keepAlive(request) ? KEPT_CONNECTION_READ_TIMEOUT : Duration.ZERO;
            response = waiter.run(() -> exchange(request, socketLimit, control, early));
        } catch (LocalFailure e) {
            waiter.done(timer);
            control.attemptEnded();
            if (control.aborted()) {
                throw aborted(control, e.getCause());
            }
            throw e.getCause();
        } catch (RuntimeException e) {
            waiter.done(timer);
            control.attemptEnded();
            if (control.aborted()) {
                throw aborted(control, e);
            }
            if (waiter.timedOut()) {
                throw headersTimedOut(backendName, headersLimit, e);
            }
            throw failure(e, request, backendName, headersLimit);
        }
        waiter.done(timer);
        control.clearAbortActions();
        ReleasableBody.releaseBodyOf(request);
        if (control.aborted()) {
            closeQuietly(response.body());
            control.attemptEnded();
            throw aborted(control, null);
        }
        control.headersReceived();
        InputStream body = control.watch(response.body());
        return Answer.of(response, body);
    }

    /**
     * The thread that waits for the response headers, interrupted by an abort or when the headers are late: a
     * virtual thread interrupted in a socket operation has that socket closed, and the operation fails at once.
     * Once {@link #done}, no interrupt comes any more and none is left pending on the thread.
     */
    private static final class Waiter {
        private Thread thread;
        private boolean waiting = true;
        private boolean pending;
        private boolean timedOut;

        /**
         * Runs the exchange on a virtual thread: this one when it is one (every request the gateway serves),
         * a new one otherwise (a tool's or a test's call), since only a virtual thread's socket is closed by
         * an interrupt.
         */
        <T> T run(Supplier<T> exchange) {
            if (Thread.currentThread().isVirtual()) {
                bind(Thread.currentThread());
                return exchange.get();
            }
            FutureTask<T> task = new FutureTask<>(exchange::get);
            Thread worker = Thread.ofVirtual().name("upstream-exchange").unstarted(task);
            bind(worker);
            worker.start();
            try {
                return task.get();
            } catch (ExecutionException e) {
                throw unwrapped(e);
            } catch (InterruptedException e) {
                interrupt();
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted while waiting for the upstream"));
            }
        }

        private synchronized void bind(Thread worker) {
            thread = worker;
            if (pending) {
                // aborted or timed out before the exchange began
                worker.interrupt();
            }
        }

        synchronized void interrupt() {
            if (waiting) {
                pending = true;
                if (thread != null) {
                    thread.interrupt();
                }
            }
        }

        synchronized void timeOut() {
            if (waiting) {
                timedOut = true;
                interrupt();
            }
        }

        synchronized boolean timedOut() {
            return timedOut;
        }

        synchronized void done(ScheduledFuture<?> timer) {
            waiting = false;
            timer.cancel(false);
            if (thread == Thread.currentThread()) {
                // an interrupt delivered as the exchange ended must not hit the thread's next blocking call
                Thread.interrupted();
            }
        }
    }

    /**
     * One exchange on Helidon's client. The body is written through the request's output stream with its
     * length, so that {@code control}'s work for the wait (the token estimate) runs once it is on its way,
     * while the upstream reads it.
     */
    private HttpResponse<InputStream> exchange(HttpRequest request, Duration readTimeout, CallControl control,
                                               EarlyConnection early) {
        boolean useEarly = early.isFor(request.uri());
        if (!useEarly) {
            early.close();
        }
        Connecting connecting = useEarly ? early.connecting : new Connecting(open);
        CONNECTING.set(connecting);
        try {
            if (!useEarly) {
                return exchange(request, readTimeout, control, connecting, null);
            }
            ClientConnection connection = early.take();
            try {
                return exchange(request, readTimeout, control, connecting, connection);
            } catch (RuntimeException e) {
                if (!early.reused || e instanceof LocalFailure || Thread.currentThread().isInterrupted()
                        || (control != null && control.aborted()) || isClosed()) {
                    throw e;
                }
                // A kept connection failed before its response began: the server closed it while it was idle (or
                // as it was used). Once more on a new connection, as HTTP clients do.
                LOG.debug("a kept upstream connection failed before its response ({}); sending on a new one",
                        e.toString());
                connecting.close();
                connecting = new Connecting(open);
                CONNECTING.set(connecting);
                return exchange(request, readTimeout, control, connecting, null);
            }
        } catch (RuntimeException | Error e) {
            // Helidon leaves a connection open when the response breaks off inside its status line or headers
            // (a header block over the limit, a malformed line): close it, or a server that keeps sending keeps it
            connecting.close();
            throw e;
        } finally {
            CONNECTING.remove();
        }
    }

    /**
     * Whether the exchange's connection may be kept in Helidon's pool for the next one: only to a TLS upstream
     * (a cloud API), where a new connection costs a handshake of several round trips; a relayed Anthropic stream
     * is read to its end, and a complete decoded stream's rest by {@link #finishReading}, which leaves the
     * connection reusable. A plain-HTTP upstream (a local server) is kept in {@link KeptConnections} instead
     * when the exchange goes over a {@link #connectEarly} connection: Helidon's pool checks idle connections on
     * threads of its own and keeps a connection whose server sent more than its response declared.
     */
    private static boolean keepAlive(HttpRequest request) {
        return "https".equalsIgnoreCase(request.uri().getScheme());
    }

    /** The TLS set-up of https exchanges: made by the first, shared by all (their kept connections are keyed by it). */
    private Tls tls() {
        Tls made = tls;
        if (made == null) {
            synchronized (this) {
                if (tls == null) {
                    tls = tlsMaker.get();
                }
                made = tls;
            }
        }
        return made;
    }

    /** What a task on another thread threw, as it was thrown there (its work throws no checked exceptions). */
    private static RuntimeException unwrapped(ExecutionException e) {
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
    }

    /**
     * The URLs and servers of the upstream requests, parsed once: a gateway sends to a handful, and parsing the
     * same URL three times over (the request, the early connection, the check that they match) was a few
     * microseconds of every request's way to the upstream.
     */
    private static final BoundedMemo<String, URI> URIS = new BoundedMemo<>(256);

    /** A URI's scheme, host and port as Helidon's client resolves them (default ports filled in), and its key. */
    private record Server(String scheme, String host, int port, String key) {
        private static final BoundedMemo<URI, Server> SERVERS = new BoundedMemo<>(256);

        static Server of(URI uri) {
            return SERVERS.get(uri, u -> {
                ClientUri resolved = ClientUri.create(u);
                return new Server(resolved.scheme(), resolved.host(), resolved.port(),
                        KeptConnections.server(resolved.host(), resolved.port()));
            });
        }

        /** The same server, the scheme and host in any case. */
        boolean sameAs(Server other) {
            return scheme.equalsIgnoreCase(other.scheme) && host.equalsIgnoreCase(other.host) && port == other.port;
        }
    }

    /**
     * The clients' own TLS: none (an early connection is only made to a plain-HTTP upstream; https sets its own).
     * In a holder: Helidon's builders take ~10 ms of a JVM that has just started, which a gateway's start need
     * not wait for (its clients are made once it listens).
     */
    private static final class NoTls {
        static final Tls NONE = Tls.builder().enabled(false).build();
    }
    private static final List<String> HTTP1 = List.of("http/1.1");

    /**
     * A connection to {@code url}'s server for a {@link #send} to that server to use: one kept from an earlier
     * exchange ({@link KeptConnections}), else one started now on a virtual thread of its own, so that the connect
     * (a loopback connect and Helidon's connection set-up, ~0.15 ms) overlaps the caller's remaining work (mapping
     * and writing a Claude Code request's body, ~0.2 ms): docs/BENCHMARKS.md, ninth pass. A connection whose
     * response is read to its end is kept for the next exchange. Only for a plain-HTTP upstream reached without a
     * proxy: a TLS upstream's connections are kept in Helidon's pool, and a proxy's are Helidon's to make.
     * Otherwise, and for a URL that does not parse, {@link EarlyConnection#NONE}. The caller closes it, which lets
     * go of a connection no exchange took.
     */
    public EarlyConnection connectEarly(String url) {
        Server target;
        try {
            URI parsed = URIS.get(url, URI::create);
            if (!"http".equalsIgnoreCase(parsed.getScheme()) || parsed.getHost() == null) {
                return EarlyConnection.NONE;
            }
            target = Server.of(parsed);
        } catch (IllegalArgumentException e) {
            return EarlyConnection.NONE;
        }
        client(); // made with the client, when this is the first call; none through a proxy
        WebClient web = connector;
        if (web == null || isClosed()) {
            return EarlyConnection.NONE;
        }
        EarlyConnection early = new EarlyConnection(new Connecting(open), target);
        String server = target.key();
        KeptConnections.Idle idle = kept.take(server);
        if (idle != null) {
            early.reuse(idle);
            return early;
        }
        ConnectionKey key = ConnectionKey.create(target.scheme(), target.host(), target.port(), NoTls.NONE,
                web.prototype().dnsResolver(), web.prototype().dnsAddressLookup(), Proxy.noProxy());
        Connecting connecting = early.connecting;
        Thread.ofVirtual().name("upstream-connect").start(() -> {
            CONNECTING.set(connecting);
            try {
                // released (its response read to the end, the server willing) into KeptConnections, else closed
                early.connection.complete(TcpClientConnection.create(web, key, HTTP1,
                        connection -> keep(server, connection, connecting.socket), connection -> { }).connect());
            } catch (RuntimeException | Error e) {
                early.connection.completeExceptionally(e);
            } finally {
                CONNECTING.remove();
            }
        });
        return early;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Keeps a connection whose exchange is over for the next exchange with {@code server}; false: close it. */
    private boolean keep(String server, ClientConnection connection, Socket socket) {
        if (!kept.keep(server, connection, socket)) {
            return false;
        }
        sweepSoon();
        return true;
    }

    /** Closes the kept connections that expired by now: what the timer does while any are kept. */
    boolean closeExpiredConnections() {
        return kept.closeExpired();
    }

    /** How many connections are kept for the next exchanges. */
    int keptConnections() {
        return kept.size();
    }

    private void sweepSoon() {
        if (sweepDue.compareAndSet(false, true)) {
            try {
                // every half of the idle limit: a connection is closed at most half the limit after it expired
                timer().schedule(() -> {
                    sweepDue.set(false);
                    if (closeExpiredConnections()) {
                        sweepSoon();
                    }
                }, KEPT_IDLE.toNanos() / 2, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                sweepDue.set(false); // closing: close() closes what is kept
            }
        }
    }

    /**
     * A connection being opened ahead of the exchange that takes it ({@link #connectEarly}). Closing it lets go
     * of the connection unless an exchange took it (then the exchange's response closes it).
     */
    public static final class EarlyConnection implements AutoCloseable {
        /** No early connection: the exchange connects as usual. */
        public static final EarlyConnection NONE = new EarlyConnection(null, null);

        private final Connecting connecting;
        private final Server server;
        private final CompletableFuture<ClientConnection> connection = new CompletableFuture<>();
        /** A kept connection, not a new one: the exchange tries once more on a new one if it fails at once. */
        private boolean reused;
        private boolean taken;
        private boolean closed;

        private EarlyConnection(Connecting connecting, Server server) {
            this.connecting = connecting;
            this.server = server;
        }

        /** Makes this the kept connection {@code idle}: ready now, its socket closed by an abort like a new one's. */
        private void reuse(KeptConnections.Idle idle) {
            reused = true;
            connecting.connected(idle.socket());
            connection.complete(idle.connection());
        }

        /** Whether this is a connection to the server of {@code uri}, not yet taken or let go of. */
        synchronized boolean isFor(URI uri) {
            if (connecting == null || taken || closed) {
                return false;
            }
            return server.sameAs(Server.of(uri));
        }

        /**
         * Waits for the connect and returns the connection, or throws what the connect threw. An interrupt
         * (an abort, the headers' time limit) ends the wait; the connection is then closed once it is made.
         */
        ClientConnection take() {
            synchronized (this) {
                taken = true;
            }
            try {
                return connection.get();
            } catch (ExecutionException e) {
                throw unwrapped(e);
            } catch (InterruptedException e) {
                connecting.close();
                connection.thenAccept(ClientConnection::closeResource);
                throw new UncheckedIOException(new java.io.InterruptedIOException(
                        "interrupted while connecting to the upstream"));
            }
        }

        @Override
        public void close() {
            if (connecting == null) {
                return;
            }
            synchronized (this) {
                if (taken || closed) {
                    return;
                }
                closed = true;
            }
            connecting.close();
            connection.thenAccept(ClientConnection::closeResource);
        }
    }

    /**
     * A new connection is opened on the exchange's thread, where the client's connection listener finds this
     * and hands it the socket; a kept connection taken from the pool is not seen here.
     */
    private static final ThreadLocal<Connecting> CONNECTING = new ThreadLocal<>();

    /** The socket of the exchange in progress on this thread, once connected. */
    private static final class Connecting {
        private final Set<Connecting> open;
        private volatile Socket socket;
        /** Closed before its socket connected (an early connection let go of, or aborted, mid-connect). */
        private volatile boolean abandoned;

        Connecting(Set<Connecting> open) {
            this.open = open;
        }

        void connected(Socket connected) {
            socket = connected;
            open.add(this);
            if (abandoned) {
                close();
            }
        }

        /** The exchange is over and its connection is the pool's now. */
        void forget() {
            open.remove(this);
        }

        /** Closes the connection, if there is one yet; the exchange on it fails, or its body ends. */
        void close() {
            abandoned = true;
            open.remove(this);
            Socket opened = socket;
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
        }
    }

    private static void connected(ConnectedSocketInfo info) {
        Connecting connecting = CONNECTING.get();
        if (connecting != null) {
            connecting.connected(info.socket());
        }
    }

    /** @param connection the connection to send on, or null for the client's own (new or from its pool) */
    private HttpResponse<InputStream> exchange(HttpRequest request, Duration readTimeout, CallControl control,
                                               Connecting connecting, ClientConnection connection) {
        // an https exchange may be kept in Helidon's pool, one on our own connection in KeptConnections
        boolean https = keepAlive(request);
        boolean keepAlive = https || connection != null;
        Http1ClientRequest out = client().method(Method.create(request.method()))
                .uri(request.uri())
                .keepAlive(keepAlive)
                .readTimeout(readTimeout);
        if (https) {
            out.tls(tls());
        }
        if (connection != null) {
            out.connection(connection);
        }
        out.headers(headers -> request.headers().map().forEach((name, values) ->
                headers.add(HeaderNames.create(name), values.toArray(String[]::new))));
        byte[] body = bodyOf(request);
        RuntimeException[] waitWork = new RuntimeException[1];
        Http1ClientResponse answer;
        if (body == null) {
            answer = out.request();
            waitWork[0] = requestSent(control);
        } else {
            out.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
            answer = out.outputStream(stream -> {
                stream.write(body);
                stream.close();
                waitWork[0] = requestSent(control);
            });
        }
        if (waitWork[0] != null) {
            answer.close();
            throw new LocalFailure(waitWork[0]);
        }
        return new Answer<>(request, answer.status().code(), headers(answer),
                new ResponseBody(answer, connecting, keepAlive));
    }

    /** Runs the call's work for the wait; what it throws is ours, not the upstream's, and is kept apart. */
    private static RuntimeException requestSent(CallControl control) {
        if (control == null) {
            return null;
        }
        try {
            control.requestSent();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** A failure of the gateway's own work during an exchange, passed through as it is. */
    private static final class LocalFailure extends RuntimeException {
        LocalFailure(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    private static HttpHeaders headers(Http1ClientResponse answer) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Header header : answer.headers()) {
            map.computeIfAbsent(header.name(), name -> new ArrayList<>()).addAll(header.allValues());
        }
        return HttpHeaders.of(map, (name, value) -> true);
    }

    /** The bytes of a request's body, or null when it has none. */
    private static byte[] bodyOf(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return null;
        }
        if (publisher.get() instanceof ReleasableBody releasable) {
            byte[] bytes = releasable.bytes();
            if (bytes == null) {
                throw new IllegalStateException("the request body was released before it was sent");
            }
            return bytes;
        }
        // the JDK's in-memory publishers (ofByteArray, ofString) deliver everything when asked
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                collected.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(collected.toByteArray());
            }
        });
        if (!done.isDone()) {
            throw new IllegalArgumentException("only in-memory request bodies can be sent upstream");
        }
        return done.join();
    }

    /**
     * A response body read straight from the connection. Helidon reports a lost connection or a broken
     * chunk as an unchecked exception; callers read an {@link InputStream} and expect {@link IOException}s.
     * Closing it closes the response: the connection goes back to the pool when the body was read to its
     * end, and is closed otherwise (which also ends a read blocked on it in another thread).
     */
    private static final class ResponseBody extends InputStream {
        private final Http1ClientResponse response;
        private final Connecting connection;
        private final boolean keepAlive;
        private final InputStream in;
        /** Neither a length nor chunks: the body ends where the connection does. */
        private final boolean closeDelimited;

        ResponseBody(Http1ClientResponse response, Connecting connection, boolean keepAlive) {
            this.response = response;
            this.connection = connection;
            this.keepAlive = keepAlive;
            this.in = response.inputStream();
            this.closeDelimited = !response.headers().contains(HeaderNames.CONTENT_LENGTH)
                    && !response.headers().contains(HeaderNames.TRANSFER_ENCODING);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return in.read(buffer, offset, length);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (DataReader.InsufficientDataAvailableException e) {
                return endOfConnection(e);
            } catch (RuntimeException e) {
                // a chunk that breaks the framing, a connection that ends inside one
                throw new IOException(e.getMessage() == null ? "the response body broke off" : e.getMessage(), e);
            }
        }

        /** The connection ended: the end of a close-delimited body, a body cut short otherwise. */
        private int endOfConnection(RuntimeException e) throws IOException {
            if (closeDelimited) {
                return -1;
            }
            IOException cut = new java.io.EOFException("the connection closed before the end of the response");
            cut.initCause(e);
            throw cut;
        }

        /**
         * Reads the body to its end, at most {@code limit} bytes, unless that takes longer than {@code wait}: then
         * the timer interrupts this (virtual) thread, whose blocked socket read then ends with the socket closed.
         * An interrupt that comes after the reading is over is cleared.
         */
        void readRest(ScheduledExecutorService timer, Duration wait, int limit) {
            Waiter waiter = new Waiter();
            ScheduledFuture<?> due;
            try {
                due = timer.schedule(waiter::interrupt, wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return; // the client is closing: the response is closed, not kept
            }
            try {
                waiter.run(() -> {
                    byte[] buffer = new byte[8192];
                    int left = limit;
                    try {
                        int n;
                        while (left > 0 && (n = read(buffer, 0, Math.min(buffer.length, left))) >= 0) {
                            left -= n;
                        }
                    } catch (IOException e) {
                        // the rest did not come in time, or broke: the connection is closed with the response
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                // as above
            } finally {
                waiter.done(due);
            }
        }

        @Override
        public void close() {
            try {
                // back to the pool when the body was read to its end and the connection may be kept; closed
                // otherwise
                response.close();
            } finally {
                if (keepAlive) {
                    connection.forget();
                } else {
                    connection.close();
                }
            }
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException | RuntimeException ignored) {
            // closing is all that is left to do
        }
    }

    private static UpstreamException aborted(CallControl control, Throwable cause) {
        ApiError why = control.abortError() != null ? control.abortError()
                : ApiError.apiError("the upstream call was cancelled");
        return new UpstreamException(why, UpstreamException.Kind.TIMEOUT, 0, null, cause);
    }

    /**
     * An upstream failure in words for a client. Helidon raises connection problems as unchecked exceptions
     * around the JDK's socket exceptions (refused, timed out, reset) and protocol problems (a header block
     * that never ends, a broken status line) as state or argument exceptions of its own.
     */
    private static UpstreamException failure(RuntimeException e, HttpRequest request, String backendName,
                                              Duration headersLimit) {
        String where = request.uri().getScheme() + "://" + request.uri().getAuthority();
        IOException io = ioCause(e);
        if (io instanceof SocketTimeoutException t && String.valueOf(t.getMessage()).contains("onnect")) {
            return new UpstreamException(ApiError.overloaded(backendName
                    + " upstream did not accept a connection in time (" + where + ")"),
                    UpstreamException.Kind.CONNECT, 0, null, e);
        }
        if (io instanceof SocketTimeoutException) {
            return headersTimedOut(backendName, headersLimit, e);
        }
        if (io instanceof ConnectException) {
            return new UpstreamException(ApiError.overloaded(backendName
                    + " upstream is not reachable at " + where + " (connection refused)"),
                    UpstreamException.Kind.CONNECT, 0, null, e);
        }
        if (io instanceof SSLHandshakeException) {
            LOG.warn("{}: TLS handshake with {} failed: {}", backendName, where, io.toString());
            return new UpstreamException(ApiError.overloaded(backendName + " upstream's TLS handshake failed ("
                    + where + "): " + reason(io) + UNTRUSTED_HINT), UpstreamException.Kind.IO, 0, null, e);
        }
        // e.g. a server that closes without answering, or whose headers never end
        String reason = io != null ? reason(io) : e.getMessage() == null ? "protocol error" : e.getMessage();
        LOG.warn("{}: upstream connection failed: {}", backendName, io != null ? io.toString() : e.toString());
        return new UpstreamException(ApiError.overloaded(backendName + " upstream connection failed: " + reason),
                UpstreamException.Kind.IO, 0, null, e);
    }

    /** What to do about a certificate the JVM does not trust (a private CA's, a TLS-inspecting proxy's). */
    static final String UNTRUSTED_HINT = "; if the server's certificate is signed by a CA of your own, give the JVM a "
            + "trust store with it: ANYCLAUDE_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=FILE "
            + "-Djavax.net.ssl.trustStorePassword=PASSWORD\"";

    private static UpstreamException headersTimedOut(String backendName, Duration limit, Throwable cause) {
        return new UpstreamException(new ApiError(504, "timeout_error", backendName
                + " upstream sent no response headers within " + CallControl.human(limit)),
                UpstreamException.Kind.TIMEOUT, 0, null, cause);
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
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
        return Answer.of(response, body);
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

    /** A response as callers see it: status and headers of the exchange, and a body. */
    private record Answer<T>(HttpRequest request, int statusCode, HttpHeaders headers, T body)
            implements HttpResponse<T> {

        /** {@code response} with {@code body} in place of its own. */
        static <T> Answer<T> of(HttpResponse<?> response, T body) {
            return new Answer<>(response.request(), response.statusCode(), response.headers(), body);
        }

        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
