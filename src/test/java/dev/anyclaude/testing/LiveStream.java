package dev.anyclaude.testing;

import dev.anyclaude.api.SseParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A streaming request whose events the test sees as they arrive, so it can act at a precise point of the
 * stream (move a manual clock once the first text is out, or leave). Bytes are read on a virtual thread;
 * every wait is bounded.
 */
public final class LiveStream implements AutoCloseable {
    private final HttpClient client;
    private final CompletableFuture<HttpResponse<InputStream>> response;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Sse.Event> events = new ArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile InputStream body;

    private LiveStream(int port, String json) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        this.response = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        response.thenAccept(r -> Thread.ofVirtual().name("live-stream-reader").start(() -> read(r.body())))
                .exceptionally(e -> {
                    ended.completeExceptionally(e);
                    return null;
                });
    }

    /** Posts {@code json} to the gateway's {@code /v1/messages}. */
    public static LiveStream post(int port, String json) {
        return new LiveStream(port, json);
    }

    private void read(InputStream in) {
        body = in;
        SseParser parser = new SseParser((name, data) -> {
            synchronized (events) {
                events.add(new Sse.Event(name, data));
                events.notifyAll();
            }
        });
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (events) {
                    bytes.write(buffer, 0, n);
                }
                parser.feed(buffer, 0, n);
            }
            parser.end();
            ended.complete(null);
        } catch (IOException e) {
            ended.completeExceptionally(e);
        } finally {
            synchronized (events) {
                events.notifyAll();
            }
        }
    }

    public int status(Duration timeout) throws Exception {
        return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
    }

    /** Waits until an event matching {@code which} arrived; fails the test after {@code timeout}. */
    public Sse.Event await(Predicate<Sse.Event> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Sse.Event event : events) {
                    if (which.test(event)) {
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended.isDone()) {
                    throw new AssertionError("no such event within " + timeout + "; got " + events);
                }
                TimeUnit.NANOSECONDS.timedWait(events, left);
            }
        }
    }

    public Sse.Event awaitEvent(String name, Duration timeout) throws InterruptedException {
        return await(e -> name.equals(e.name()), timeout);
    }

    /** Whether the response has ended (or failed). */
    public boolean ended() {
        return ended.isDone();
    }

    /** Waits for the end and returns the whole body, validated as an Anthropic stream when it is one. */
    public RawHttp.Response finish(Duration timeout) throws Exception {
        HttpResponse<InputStream> r = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the response did not end within " + timeout + "; events so far: " + events);
        }
        byte[] all;
        synchronized (events) {
            all = bytes.toByteArray();
        }
        boolean stream = r.headers().firstValue("content-type").orElse("").contains("event-stream");
        return new RawHttp.Response(r.statusCode(), r.headers(), all, stream ? Sse.validate(all) : null);
    }

    public String text() {
        synchronized (events) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Leaves: closes the connection without reading further. */
    @Override
    public void close() {
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
        }
        response.cancel(true);
        client.shutdownNow();
    }
}
