package dev.anyclaude.loadbench;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} server for load benchmarks: it behaves like a local
 * model server with a prompt cache, cheaply. Plain sockets and one virtual thread per connection
 * (HTTP/1.1, keep-alive, chunked replies), so it adds little of its own to what is measured.
 *
 * <p><b>Prefill.</b> The prompt is rendered as a chat template would order it: the system text, then each
 * tool's JSON, then each other message's JSON, each followed by a newline (the view of
 * {@code PrefixMeter}). Tokens are counted as <em>UTF-8 bytes / 4</em>, rounded up: no real tokeniser, but
 * the same rule for every request. The server keeps the rendered prompts of its last {@link #SLOTS}
 * requests (like llama.cpp's slots), finds the one with the longest common prefix with the new prompt,
 * and sleeps {@code uncached tokens × prefill cost} before the first token. That prefix, in tokens, is
 * reported as {@code usage.prompt_tokens_details.cached_tokens}.
 *
 * <p><b>Decode.</b> {@code tokens} chunks of one word each, paced at {@code tokensPerSecond} per stream
 * (on a schedule from the first token, so sleeps do not accumulate drift), then a finish chunk, a usage
 * chunk and {@code [DONE]}. {@code tokensPerSecond <= 0} streams as fast as the socket takes it.
 */
public final class BenchUpstream implements AutoCloseable {

    /** How many previous prompts are kept for prefix matching. */
    static final int SLOTS = 32;

    /** One served request, as the server saw it. */
    public record Served(long promptTokens, long cachedTokens, long prefillMicros) {
        public double cachedShare() {
            return promptTokens == 0 ? 1 : (double) cachedTokens / promptTokens;
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    /** What a reply is made of: read once per reply, changed whole between phases ({@link #shape}). */
    private volatile Shape shape;
    private final long prefillNanosPerToken;
    private final List<byte[]> slots = new ArrayList<>(); // most recently used last
    private final ConcurrentLinkedQueue<Served> served = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
    private int streaming; // guarded by this; waiters are told of every change
    private long ended; // streams that have stopped, complete or not, guarded by this
    private volatile boolean closed;

    private BenchUpstream(int tokens, double tokensPerSecond, long prefillNanosPerToken) throws IOException {
        this.shape = new Shape(tokens, tokensPerSecond);
        this.prefillNanosPerToken = prefillNanosPerToken;
        this.server = new ServerSocket(0, 8192, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("bench-upstream-accept").start(this::accept);
    }

    /**
     * @param tokens             output tokens (content chunks) per reply
     * @param tokensPerSecond    decode rate per stream; {@code <= 0} for no pacing
     * @param prefillMicrosPerToken prefill cost per uncached prompt token, in microseconds
     */
    public static BenchUpstream start(int tokens, double tokensPerSecond, double prefillMicrosPerToken) throws IOException {
        return new BenchUpstream(tokens, tokensPerSecond, Math.round(prefillMicrosPerToken * 1000));
    }

    /** Replies from now on have {@code tokens} chunks at {@code tokensPerSecond} (a warm-up of short streams). */
    public void shape(int tokens, double tokensPerSecond) {
        shape = new Shape(tokens, tokensPerSecond);
    }

    private record Shape(int tokens, double tokensPerSecond) {
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public List<Served> served() {
        return List.copyOf(served);
    }

    public void clearServed() {
        served.clear();
    }

    /** Empties the prompt cache, as a server restart would. */
    public synchronized void forget() {
        slots.clear();
        served.clear();
    }

    /** Streams being written right now. */
    public synchronized int streaming() {
        return streaming;
    }

    /**
     * Waits until {@code count} streams are being written at once, or one has ended (the peak has passed),
     * or {@code timeout} is over; returns the streams open then.
     */
    public synchronized int awaitPeak(int count, java.time.Duration timeout) throws InterruptedException {
        long endedBefore = ended;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streaming < count && ended == endedBefore) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return streaming;
    }

    private synchronized void streamStarted() {
        streaming++;
        notifyAll();
    }

    private synchronized void streamEnded() {
        streaming--;
        ended++;
        notifyAll();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        open.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        });
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("bench upstream: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
             OutputStream out = socket.getOutputStream()) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                long length = 0;
                boolean close = false;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    String name = header.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).trim();
                    if (name.equals("content-length")) {
                        length = Long.parseLong(value);
                    } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                        close = true;
                    }
                }
                byte[] body = in.readNBytes((int) length);
                if (!requestLine.startsWith("POST ") || !requestLine.contains("/chat/completions")) {
                    byte[] notFound = "{\"error\":{\"message\":\"not found\"}}".getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: "
                            + notFound.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(notFound);
                    out.flush();
                } else {
                    stream(body, out);
                }
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        } finally {
            open.remove(socket);
        }
    }

    private void stream(byte[] body, OutputStream out) throws IOException {
        Shape shape = this.shape;
        int tokens = shape.tokens();
        double tokensPerSecond = shape.tokensPerSecond();
        byte[] prompt = render(Json.parse(body));
        long promptTokens = (prompt.length + 3) / 4;
        long cachedTokens = Math.min(promptTokens, remember(prompt) / 4);
        long prefill = (promptTokens - cachedTokens) * prefillNanosPerToken;
        served.add(new Served(promptTokens, cachedTokens, prefill / 1000));
        if (prefill > 0) {
            LockSupport.parkNanos(prefill); // the environment's compute time, not a wait for a condition
        }
        streamStarted();
        try {
            out.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            long interval = tokensPerSecond > 0 ? (long) (1e9 / tokensPerSecond) : 0;
            for (int i = 0; i < tokens; i++) {
                if (interval > 0 && i > 0) {
                    long wait = start + i * interval - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                chunk(out, textChunk(i));
                out.flush();
            }
            chunk(out, FINISH);
            chunk(out, ("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + tokens
                    + ",\"total_tokens\":" + (promptTokens + tokens) + ",\"prompt_tokens_details\":{\"cached_tokens\":"
                    + cachedTokens + "}}}\n\n").getBytes(StandardCharsets.UTF_8));
            chunk(out, DONE);
            out.write(LAST_CHUNK);
            out.flush();
        } finally {
            streamEnded();
        }
    }

    private static final byte[] FINISH = ("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":0,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n").getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private static byte[] textChunk(int i) {
        return ("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + (i == 0 ? "tok0" : " tok" + i)
                + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write(Integer.toHexString(data.length).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(data);
        out.write(CRLF);
    }

    /**
     * Bytes of {@code prompt} that some kept prompt starts with; the prompt then takes that slot (it holds
     * the same prefix and more) or, sharing less than half of any, the least recently used one.
     */
    private synchronized long remember(byte[] prompt) {
        int best = -1;
        long bestCommon = 0;
        for (int i = 0; i < slots.size(); i++) {
            byte[] kept = slots.get(i);
            int n = Math.min(kept.length, prompt.length);
            int mismatch = Arrays.mismatch(kept, 0, n, prompt, 0, n);
            long common = mismatch < 0 ? n : mismatch;
            if (common > bestCommon) {
                best = i;
                bestCommon = common;
            }
        }
        if (best >= 0 && bestCommon * 2 >= slots.get(best).length) {
            slots.remove(best);
        } else if (slots.size() >= SLOTS) {
            slots.removeFirst();
        }
        slots.add(prompt);
        return bestCommon;
    }

    /** The chat-template view: system text, each tool, each other message, one per line. */
    static byte[] render(JsonNode body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        JsonNode messages = body.path("messages");
        int first = 0;
        if (!messages.isEmpty() && "system".equals(messages.get(0).path("role").asString(""))) {
            JsonNode content = messages.get(0).path("content");
            out.writeBytes((content.isString() ? content.stringValue() : Json.string(content)).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            first = 1;
        }
        for (JsonNode tool : body.path("tools")) {
            out.writeBytes(Json.bytes(tool));
            out.write('\n');
        }
        for (int i = first; i < messages.size(); i++) {
            out.writeBytes(Json.bytes(messages.get(i)));
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int size = line.size();
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, size > 0 && bytes[size - 1] == '\r' ? size - 1 : size, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
