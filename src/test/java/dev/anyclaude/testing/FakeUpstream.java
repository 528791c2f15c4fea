package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A scripted upstream HTTP/1.1 server on a raw socket, bound to loopback only. It records every request and
 * answers from a handler, writing the body in pieces (whole, one byte at a time, or seeded random sizes) and
 * flushing each piece, framed with a Content-Length, chunked encoding or by closing the connection. It can
 * also misbehave the way real servers do: stall until the test releases a {@link Gate}, reset the connection
 * in the middle of the body, or close without answering. {@link #startTls} makes it an https server (with
 * {@link TestTls}'s certificate), as hosted APIs are. {@link #close()} stops every thread and socket it started.
 */
public final class FakeUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final boolean tls;
    private final Thread acceptor;
    private volatile Function<RecordedRequest, Reply> handler;
    private volatile boolean closed;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<Throwable> handlerErrors = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<Gate> gates = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger activeExchanges = new AtomicInteger();

    private FakeUpstream(int port, Function<RecordedRequest, Reply> handler, SSLContext tls) throws IOException {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.tls = tls != null;
        this.server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        this.acceptor = Thread.ofVirtual().name("fake-upstream-accept-" + server.getLocalPort()).unstarted(this::acceptLoop);
        threads.add(acceptor);
        acceptor.start();
    }

    /**
     * A model server still loading its model: its first {@code probes} model-list requests ({@code /v1/models}) get
     * a 503 "Loading model", as llama.cpp answers then, so that whoever waits for it has to probe again; every other
     * request, and every later one, goes to {@code then}.
     */
    public static Function<RecordedRequest, Reply> loadingModel(int probes, Function<RecordedRequest, Reply> then) {
        AtomicInteger modelLists = new AtomicInteger();
        return request -> request.path().equals("/v1/models") && modelLists.incrementAndGet() <= probes
                ? Reply.json(503, "{\"error\":{\"message\":\"Loading model\"}}") : then.apply(request);
    }

    /** Starts a server on 127.0.0.1 with an ephemeral port. */
    public static FakeUpstream start(Function<RecordedRequest, Reply> handler) {
        return start(0, handler);
    }

    /** Starts a server on 127.0.0.1:{@code port} (0: an ephemeral one), as a model server a script starts. */
    public static FakeUpstream start(int port, Function<RecordedRequest, Reply> handler) {
        try {
            return new FakeUpstream(port, handler, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start fake upstream on port " + port, e);
        }
    }

    /**
     * Starts an https server on 127.0.0.1 with an ephemeral port, whose certificate is {@code tls}'s (e.g.
     * {@link TestTls#serverContext()}). Replies are written as over plain HTTP, through the TLS connection.
     */
    public static FakeUpstream startTls(SSLContext tls, Function<RecordedRequest, Reply> handler) {
        try {
            return new FakeUpstream(0, handler, Objects.requireNonNull(tls, "tls"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start https fake upstream", e);
        }
    }

    /** Replaces the script for the requests that arrive from now on. */
    public void handler(Function<RecordedRequest, Reply> newHandler) {
        this.handler = Objects.requireNonNull(newHandler, "handler");
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} ({@code https://} for {@link #startTls}), without a trailing slash. */
    public String baseUrl() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port();
    }

    /** The requests received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests received so far whose path (without query) equals {@code path}. */
    public List<RecordedRequest> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Forgets the recorded requests (between cases that share one server). */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    /** How many TCP connections were accepted. */
    public int connections() {
        return connections.get();
    }

    /** How many accepted connections are still open (neither side has closed them). */
    public int openConnections() {
        return sockets.size();
    }

    /** Replies being written now. */
    public int activeExchangeCount() {
        return activeExchanges.get();
    }

    /**
     * Waits until no reply is being written (a pooled keep-alive connection may stay open; a reply the
     * peer abandoned ends when the peer closes); fails after {@code timeout}.
     */
    public void awaitNoActiveExchange(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sockets) {
            while (activeExchanges.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected no reply in progress within " + timeout + ", still "
                            + activeExchanges.get());
                }
                TimeUnit.NANOSECONDS.timedWait(sockets, left);
            }
        }
    }

    /**
     * Waits until at most {@code count} connections are open, e.g. 0 once the gateway has let go of its
     * upstream connections; fails after {@code timeout}.
     */
    public void awaitOpenConnectionsAtMost(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sockets) {
            while (sockets.size() > count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected at most " + count + " open upstream connections within "
                            + timeout + ", still " + sockets.size());
                }
                TimeUnit.NANOSECONDS.timedWait(sockets, left);
            }
        }
    }

    /** Exceptions thrown by the handler (each was answered with a 500); a test should expect none. */
    public List<Throwable> handlerErrors() {
        return List.copyOf(handlerErrors);
    }

    /** Waits until at least {@code count} requests arrived; returns them, or fails after {@code timeout}. */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " upstream requests within " + timeout
                            + ", got " + requests.size() + ": " + requests);
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        // Sockets first: a handler a gate releases must find its connection gone, not answer on it.
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        gates.forEach(Gate::release);
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofSeconds(5))) {
                    throw new IllegalStateException("fake upstream thread did not stop: " + thread);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void acceptLoop() {
        try {
            while (!closed) {
                Socket socket = server.accept();
                connections.incrementAndGet();
                sockets.add(socket);
                Thread worker = Thread.ofVirtual().name("fake-upstream-conn-" + socket.getPort())
                        .unstarted(() -> serve(socket));
                threads.add(worker);
                worker.start();
            }
        } catch (IOException e) {
            // the server socket was closed
        } finally {
            threads.remove(Thread.currentThread());
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                RecordedRequest request = readRequest(in, out);
                if (request == null) {
                    return;
                }
                synchronized (requests) {
                    requests.add(request);
                    requests.notifyAll();
                }
                Reply reply;
                try {
                    reply = handler.apply(request);
                    if (reply == null) {
                        throw new IllegalStateException("handler returned no reply for " + request);
                    }
                } catch (RuntimeException | Error e) {
                    handlerErrors.add(e);
                    reply = Reply.text(500, "fake upstream handler failed: " + e);
                }
                boolean keepOpen;
                activeExchanges.incrementAndGet();
                try {
                    keepOpen = write(socket, in, out, request, reply);
                } finally {
                    activeExchanges.decrementAndGet();
                    synchronized (sockets) {
                        sockets.notifyAll();
                    }
                }
                if (!keepOpen || "close".equalsIgnoreCase(request.header("connection"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer went away or close() closed the socket
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (sockets) {
                sockets.remove(socket);
                sockets.notifyAll();
            }
            threads.remove(Thread.currentThread());
        }
    }

    private RecordedRequest readRequest(InputStream in, OutputStream out) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        while (requestLine.isEmpty()) { // tolerate stray CRLF between requests
            requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
        }
        String[] parts = requestLine.split(" ", 3);
        if (parts.length < 3) {
            throw new IOException("bad request line: " + requestLine);
        }
        Map<String, List<String>> headers = new TreeMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        if ("100-continue".equalsIgnoreCase(first(headers, "expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body;
        String transferEncoding = first(headers, "transfer-encoding");
        String contentLength = first(headers, "content-length");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunkedBody(in);
        } else if (contentLength != null) {
            body = in.readNBytes(Integer.parseInt(contentLength.trim()));
        } else {
            body = new byte[0];
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        headers.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new RecordedRequest(sequence.incrementAndGet(), parts[0], parts[1],
                Collections.unmodifiableMap(frozen), body);
    }

    private static byte[] readChunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new EOFException("chunked request body ended early");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                    // trailers are not recorded
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    /** Reads one CRLF- or LF-terminated line as ISO-8859-1; null at end of stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes the reply; returns whether the connection may carry another request. */
    private boolean write(Socket socket, InputStream in, OutputStream out, RecordedRequest request, Reply reply)
            throws IOException, InterruptedException {
        if (reply.stallBeforeHeaders() != null && !passUnlessPeerLeaves(socket, in, reply.stallBeforeHeaders())) {
            return false;
        }
        if (reply.dropConnection()) {
            return false;
        }
        boolean head = request.method().equals("HEAD");
        byte[] body = reply.body();
        StringBuilder head0 = new StringBuilder(256);
        head0.append("HTTP/1.1 ").append(reply.status()).append(' ').append(reason(reply.status())).append("\r\n");
        reply.headers().forEach((name, values) -> values.forEach(v -> head0.append(name).append(": ").append(v).append("\r\n")));
        if (reply.breakage().endlessHeaders()) {
            endlessHeaders(out, head0);
            return false;
        }
        long declared = reply.breakage().declaredLength() >= 0 ? reply.breakage().declaredLength() : body.length;
        switch (reply.framing()) {
            case CONTENT_LENGTH -> head0.append("Content-Length: ").append(declared).append("\r\n");
            case CHUNKED -> head0.append("Transfer-Encoding: chunked\r\n");
            case CLOSE_DELIMITED -> head0.append("Connection: close\r\n");
        }
        head0.append("\r\n");
        out.write(head0.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (reply.closeWithoutBody()) {
            return false;
        }
        if (head) {
            return reply.framing() != Framing.CLOSE_DELIMITED;
        }
        int offset = 0;
        for (int size : reply.chunking().sizes(body.length)) {
            int end = offset + size;
            // a stall or reset point inside this piece splits it
            while (offset < end) {
                int stop = end;
                if (reply.stallGate() != null && reply.stallAt() > offset && reply.stallAt() < stop) {
                    stop = (int) reply.stallAt();
                }
                if (reply.resetAt() >= 0 && reply.resetAt() > offset && reply.resetAt() < stop) {
                    stop = (int) reply.resetAt();
                }
                if (reply.holdAt() >= 0 && reply.holdAt() > offset && reply.holdAt() < stop) {
                    stop = (int) reply.holdAt();
                }
                if (reply.holdAt() == offset) {
                    holdUntilPeerCloses(in);
                    return false;
                }
                if (reply.stallGate() != null && reply.stallAt() == offset
                        && !passUnlessPeerLeaves(socket, in, reply.stallGate())) {
                    return false;
                }
                if (reply.resetAt() == offset) {
                    reset(socket);
                    return false;
                }
                if (reply.pacer() != null) {
                    long allowed = awaitTurn(socket, in, reply.pacer(), offset, stop);
                    if (allowed <= offset) {
                        return false;
                    }
                    stop = (int) allowed;
                }
                writePiece(out, reply.framing(), body, offset, stop - offset);
                offset = stop;
                if (reply.pacer() != null) {
                    reply.pacer().sent(offset);
                }
            }
        }
        if (reply.stallGate() != null && reply.stallAt() == body.length
                && !passUnlessPeerLeaves(socket, in, reply.stallGate())) {
            return false;
        }
        if (reply.resetAt() == body.length) {
            reset(socket);
            return false;
        }
        if (reply.holdAt() == body.length) {
            holdUntilPeerCloses(in);
            return false;
        }
        if (reply.breakage().endlessBody()) {
            endlessBody(out, reply.framing());
            return false;
        }
        if (reply.framing() == Framing.CONTENT_LENGTH && declared > body.length) {
            socket.shutdownOutput();
            return false;
        }
        if (reply.framing() == Framing.CHUNKED) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        if (reply.framing() == Framing.CLOSE_DELIMITED) {
            socket.shutdownOutput();
            return false;
        }
        return true;
    }

    private static void writePiece(OutputStream out, Framing framing, byte[] body, int offset, int length)
            throws IOException {
        if (length == 0) {
            return;
        }
        if (framing == Framing.CHUNKED) {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, offset, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write(body, offset, length);
        }
        out.flush();
    }

    /** Up to 1 GiB: far past any limit under test, and still an end if the peer never hangs up. */
    private static final long ENDLESS = 1L << 30;

    private static void endlessHeaders(OutputStream out, CharSequence head) {
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            for (long sent = 0; sent < ENDLESS; ) {
                byte[] line = ("X-Filler-" + sent + ": " + "h".repeat(200) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                out.write(line);
                sent += line.length;
            }
        } catch (IOException peerGone) {
            // the peer gave up on the headers
        }
    }

    private static void endlessBody(OutputStream out, Framing framing) {
        byte[] filler = new byte[64 * 1024];
        java.util.Arrays.fill(filler, (byte) 'x');
        try {
            for (long sent = 0; sent < ENDLESS; sent += filler.length) {
                writePiece(out, framing, filler, 0, filler.length);
            }
        } catch (IOException peerGone) {
            // the peer stopped reading
        }
    }

    /**
     * Waits at a gate the way a real server waits on its model: it still notices a peer that closes the
     * connection (then returns false and the connection is dropped).
     */
    private boolean passUnlessPeerLeaves(Socket socket, InputStream in, Gate gate)
            throws InterruptedException, IOException {
        gates.add(gate);
        if (closed) {
            gate.release();
        }
        return waitUnlessPeerLeaves(socket, in, gate::awaitRelease);
    }

    /**
     * Waits, the way it waits at a gate, for the pacer to let out some of the body from {@code from} to
     * {@code to}: how far it may go, or {@code from} when the peer left first.
     */
    private static long awaitTurn(Socket socket, InputStream in, Pacer pacer, long from, long to)
            throws InterruptedException, IOException {
        long[] allowed = {from};
        boolean go = waitUnlessPeerLeaves(socket, in, timeout -> {
            allowed[0] = Math.min(to, pacer.awaitTurn(from, to, timeout));
            return allowed[0] > from;
        });
        return go ? allowed[0] : from;
    }

    /** A wait in slices of at most {@code timeout}: true when it is over. */
    @FunctionalInterface
    private interface Wait {
        boolean await(Duration timeout) throws InterruptedException;
    }

    /** Waits while watching the connection: false (and the connection is dropped) when the peer closes it. */
    private static boolean waitUnlessPeerLeaves(Socket socket, InputStream in, Wait wait)
            throws InterruptedException, IOException {
        socket.setSoTimeout(20);
        try {
            while (!wait.await(Duration.ofMillis(20))) {
                in.mark(1);
                try {
                    if (in.read() < 0) {
                        return false;
                    }
                    in.reset(); // a byte of a pipelined request: leave it for the next read
                } catch (java.net.SocketTimeoutException quiet) {
                    // the peer is still there
                }
            }
            return true;
        } catch (IOException gone) {
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(0);
            }
        }
    }

    /** Keeps the response open and silent until the peer closes its side (or close() closes the socket). */
    private static void holdUntilPeerCloses(InputStream in) {
        try {
            while (in.read() >= 0) {
                // a client does not send more on this connection while a response is pending; discard it
            }
        } catch (IOException gone) {
            // reset by the peer or closed by close()
        }
    }

    /** An abortive close: the peer sees a TCP RST, as when a server process dies mid-response. */
    private static void reset(Socket socket) throws IOException {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        socket.close();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 529 -> "Site Overloaded";
            default -> "Status";
        };
    }

    // ------------------------------------------------------------------------------------------------------

    /** One request as the fake saw it; header names are lower-cased. */
    public record RecordedRequest(int sequence, String method, String target, Map<String, List<String>> headers,
                                  byte[] body) {

        /** The target without its query string. */
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /** The query string without '?', or null. */
        public String query() {
            int q = target.indexOf('?');
            return q < 0 ? null : target.substring(q + 1);
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON; fails the test when it is not JSON. */
        public JsonNode json() {
            try {
                return Json.parse(body);
            } catch (RuntimeException e) {
                throw new AssertionError("upstream request body is not JSON: " + bodyText(), e);
            }
        }

        /** Whether the JSON body asks for a stream ({@code "stream": true}). */
        public boolean wantsStream() {
            JsonNode stream = json().get("stream");
            return stream != null && stream.isBoolean() && stream.booleanValue();
        }

        @Override
        public String toString() {
            String text = bodyText();
            return "#" + sequence + " " + method + " " + target + " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
        }
    }

    /** How the response body is delimited on the wire. */
    public enum Framing {
        CONTENT_LENGTH, CHUNKED, CLOSE_DELIMITED
    }

    /**
     * How the body is cut into writes: whole, one byte per write, or seeded random sizes from 1 to {@code max}.
     * Each piece is flushed on its own (TCP_NODELAY is on) so the reader sees the splits.
     */
    public record Chunking(String name, int max, long seed) {

        public static Chunking whole() {
            return new Chunking("whole", 0, 0);
        }

        public static Chunking oneByte() {
            return new Chunking("1-byte", 1, 0);
        }

        public static Chunking random(long seed, int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max must be positive");
            }
            return new Chunking("random(seed=" + seed + ",1.." + max + ")", max, seed);
        }

        /** The splits every vector is run under. */
        public static List<Chunking> standard() {
            return List.of(whole(), oneByte(), random(1, 7), random(42, 23), random(20260101, 97));
        }

        /** The sizes of the pieces a body of {@code length} bytes is written in. */
        public int[] sizes(int length) {
            if (max == 0) {
                return length == 0 ? new int[0] : new int[]{length};
            }
            Random random = new Random(seed);
            List<Integer> sizes = new ArrayList<>();
            int left = length;
            while (left > 0) {
                int size = Math.min(left, max == 1 ? 1 : 1 + random.nextInt(max));
                sizes.add(size);
                left -= size;
            }
            return sizes.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A point where the fake blocks until the test calls {@link #release()}. The test can wait for the fake to
     * get there with {@link #awaitReached}. Closing the fake releases every gate.
     */
    public static final class Gate {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        public void release() {
            released.countDown();
        }

        public boolean awaitReached(Duration timeout) throws InterruptedException {
            return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        public boolean reached() {
            return reached.getCount() == 0;
        }

        boolean awaitRelease(Duration timeout) throws InterruptedException {
            reached.countDown();
            return released.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * When a paced reply may send each piece of its body. The fake calls {@link #awaitTurn} before a piece (in
     * slices, watching the connection in between) and {@link #sent} after it.
     */
    public interface Pacer {
        /**
         * Waits at most {@code timeout} for the next piece, the body from offset {@code from} to {@code to}, to be
         * let out: how far it may go now ({@code to}, or less to split it), or {@code from} when not yet.
         */
        long awaitTurn(long from, long to, Duration timeout) throws InterruptedException;

        /** The body up to {@code end} has been written to the connection. */
        default void sent(long end) {
        }

        /**
         * A model that emits a piece every {@code pause}, in real time: the soak's load. Not for tests that
         * check deadlines on a manual clock; those step a {@link Valve}.
         */
        static Pacer steady(Duration pause) {
            long nanos = pause.toNanos();
            return (from, to, timeout) -> {
                LockSupport.parkNanos(nanos); // the fake model's emission rate, not a wait for a condition
                return to;
            };
        }
    }

    /**
     * A pacer the test opens step by step: the fake sends the body only as far as {@link #openTo} allows (a piece
     * that goes further is split there), so a test can move its manual clock between steps and know which bytes
     * were sent after which move.
     */
    public static final class Valve implements Pacer {
        private long open;
        private long sent;

        /** Lets the body out up to offset {@code end}. */
        public synchronized void openTo(long end) {
            if (end > open) {
                open = end;
                notifyAll();
            }
        }

        /** Waits until the fake has written the body up to {@code end}; false when {@code timeout} passed first. */
        public synchronized boolean awaitSent(long end, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (sent < end) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** How far the fake has written the body. */
        public synchronized long sent() {
            return sent;
        }

        @Override
        public synchronized long awaitTurn(long from, long to, Duration timeout) throws InterruptedException {
            if (open <= from) {
                TimeUnit.NANOSECONDS.timedWait(this, timeout.toNanos());
            }
            return Math.max(from, Math.min(open, to));
        }

        @Override
        public synchronized void sent(long end) {
            sent = end;
            notifyAll();
        }
    }

    /** A scripted answer. Immutable; the {@code with...} methods return changed copies. */
    public record Reply(int status, Map<String, List<String>> headers, byte[] body, Chunking chunking, Framing framing,
                        Gate stallBeforeHeaders, Gate stallGate, long stallAt, long resetAt, long holdAt,
                        boolean closeWithoutBody, boolean dropConnection, Pacer pacer, Breakage breakage) {

        public Reply {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            headers = Collections.unmodifiableMap(copy);
            body = body == null ? new byte[0] : body;
            chunking = chunking == null ? Chunking.whole() : chunking;
            framing = framing == null ? Framing.CONTENT_LENGTH : framing;
            breakage = breakage == null ? Breakage.NONE : breakage;
        }

        public static Reply of(int status, String contentType, byte[] body) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            if (contentType != null) {
                headers.put("Content-Type", List.of(contentType));
            }
            return new Reply(status, headers, body, Chunking.whole(), Framing.CONTENT_LENGTH, null, null, -1, -1, -1,
                    false, false, null, Breakage.NONE);
        }

        public static Reply json(int status, String json) {
            return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        public static Reply json(int status, JsonNode json) {
            return of(status, "application/json", Json.bytes(json));
        }

        public static Reply text(int status, String text) {
            return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }

        /** A 200 event stream, chunked like real streaming servers. */
        public static Reply sse(byte[] body) {
            return of(200, "text/event-stream", body).withFraming(Framing.CHUNKED)
                    .withHeader("Cache-Control", "no-cache");
        }

        public static Reply notFound(RecordedRequest request) {
            return json(404, "{\"error\":{\"message\":\"fake upstream has no route for " + request.method() + " "
                    + request.path() + "\",\"type\":\"not_found_error\"}}");
        }

        /** Closes the connection without sending anything. */
        public static Reply dropConnectionReply() {
            return new Reply(0, Map.of(), new byte[0], null, null, null, null, -1, -1, -1, false, true, null, Breakage.NONE);
        }

        public Reply withHeader(String name, String value) {
            Map<String, List<String>> copy = new LinkedHashMap<>(headers);
            copy.merge(name, List.of(value), (a, b) -> {
                List<String> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
            return new Reply(status, copy, body, chunking, framing, stallBeforeHeaders, stallGate, stallAt, resetAt,
                    holdAt, closeWithoutBody, dropConnection, pacer, breakage);
        }

        public Reply withChunking(Chunking newChunking) {
            return new Reply(status, headers, body, newChunking, framing, stallBeforeHeaders, stallGate, stallAt,
                    resetAt, holdAt, closeWithoutBody, dropConnection, pacer, breakage);
        }

        public Reply withFraming(Framing newFraming) {
            return new Reply(status, headers, body, chunking, newFraming, stallBeforeHeaders, stallGate, stallAt,
                    resetAt, holdAt, closeWithoutBody, dropConnection, pacer, breakage);
        }

        /** Blocks before the status line until {@code gate} is released (a slow prefill). */
        public Reply withStallBeforeHeaders(Gate gate) {
            return new Reply(status, headers, body, chunking, framing, gate, stallGate, stallAt, resetAt,
                    holdAt, closeWithoutBody, dropConnection, pacer, breakage);
        }

        /** Blocks after {@code offset} body bytes until {@code gate} is released (a silent upstream). */
        public Reply withStallAt(long offset, Gate gate) {
            return new Reply(status, headers, body, chunking, framing, stallBeforeHeaders, gate, offset, resetAt, holdAt,
                    closeWithoutBody, dropConnection, pacer, breakage);
        }

        /** Resets the connection after {@code offset} body bytes (a crashed upstream). */
        public Reply withResetAt(long offset) {
            return new Reply(status, headers, body, chunking, framing, stallBeforeHeaders, stallGate, stallAt, offset,
                    holdAt, closeWithoutBody, dropConnection, pacer, breakage);
        }

        /**
         * Sends {@code offset} body bytes, then keeps the response open and silent until the peer closes the
         * connection: a hung model, and the way to see that the gateway cancels its upstream request.
         */
        public Reply withHoldAt(long offset) {
            return new Reply(status, headers, body, chunking, framing, stallBeforeHeaders, stallGate, stallAt, resetAt,
                    offset, closeWithoutBody, dropConnection, pacer, breakage);
        }

        /** Sends the status line and headers, then closes the connection without a body. */
        public Reply withCloseWithoutBody() {
            return new Reply(status, headers, body, chunking, framing, stallBeforeHeaders, stallGate, stallAt, resetAt,
                    holdAt, true, dropConnection, pacer, breakage);
        }

        /** Sends each piece of the body when {@code newPacer} lets it out: a steady rate, or a test's steps. */
        public Reply withPacer(Pacer newPacer) {
            return new Reply(status, headers, body, chunking, framing, stallBeforeHeaders, stallGate, stallAt, resetAt,
                    holdAt, closeWithoutBody, dropConnection, newPacer, breakage);
        }

        /**
         * Sends the status line and then header lines forever, never the blank line that ends them, until the
         * peer closes the connection: a broken server, or something that is not an HTTP server at all.
         */
        public Reply withEndlessHeaders() {
            return withBreakage(new Breakage(true, false, breakage.declaredLength()));
        }

        /**
         * After the body, keeps sending filler bytes ({@code x}, no line break, in the reply's framing) until the
         * peer closes the connection: an SSE line that never ends.
         */
        public Reply withEndlessBody() {
            return withBreakage(new Breakage(breakage.endlessHeaders(), true, breakage.declaredLength()));
        }

        /**
         * Announces a Content-Length of {@code length} while sending the body as it is; when that is shorter
         * than announced, the connection is closed after it.
         */
        public Reply withDeclaredLength(long length) {
            return withBreakage(new Breakage(breakage.endlessHeaders(), breakage.endlessBody(), length));
        }

        private Reply withBreakage(Breakage newBreakage) {
            return new Reply(status, headers, body, chunking, framing, stallBeforeHeaders, stallGate, stallAt, resetAt,
                    holdAt, closeWithoutBody, dropConnection, pacer, newBreakage);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Ways of breaking HTTP itself, for the upstream-garbage tests.
     *
     * @param declaredLength the Content-Length to announce, or -1 for the body's real length
     */
    public record Breakage(boolean endlessHeaders, boolean endlessBody, long declaredLength) {
        public static final Breakage NONE = new Breakage(false, false, -1);
    }
}
