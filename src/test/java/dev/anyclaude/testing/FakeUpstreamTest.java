package dev.anyclaude.testing;

import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Framing;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.FakeUpstream.Valve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake upstream must itself behave like a real server, or the gateway tests prove nothing. */
class FakeUpstreamTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private FakeUpstream fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
        client.close();
    }

    @Test
    void recordsMethodTargetHeadersAndBody() throws Exception {
        fake = FakeUpstream.start(r -> Reply.json(201, "{\"ok\":true}").withHeader("X-Extra", "1"));
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/chat/completions?x=1"))
                .header("Authorization", "Bearer sk-abc").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        assertThat(response.headers().firstValue("x-extra")).contains("1");
        RecordedRequest recorded = fake.requests().get(0);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.query()).isEqualTo("x=1");
        assertThat(recorded.header("authorization")).isEqualTo("Bearer sk-abc");
        assertThat(recorded.json().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void chunkedRequestBodyIsRecordedWhole() throws Exception {
        fake = FakeUpstream.start(r -> Reply.text(200, "ok"));
        byte[] body = "{\"text\":\"a chunked request body\"}".getBytes(StandardCharsets.UTF_8);
        client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/x"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(fake.requests().get(0).header("transfer-encoding")).isEqualTo("chunked");
        assertThat(fake.requests().get(0).body()).isEqualTo(body);
    }

    static List<Chunking> chunkings() {
        return Chunking.standard();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    void chunkedBodyIsWrittenInTheScriptedPieces(Chunking chunking) throws Exception {
        byte[] body = AnthropicSse.message("m").text("Hello, ", "world").end("end_turn", 3).bytes();
        fake = FakeUpstream.start(r -> Reply.sse(body).withChunking(chunking));

        byte[] raw = rawExchange("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        List<Integer> sizes = new ArrayList<>();
        byte[] decoded = dechunk(raw, sizes);

        assertThat(decoded).isEqualTo(body);
        assertThat(sizes).containsExactlyElementsOf(Arrays.stream(chunking.sizes(body.length)).boxed().toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkings")
    void closeDelimitedBodyArrivesWhole(Chunking chunking) throws Exception {
        byte[] body = OpenAiSse.chat("m").role().text("Hi").finish("stop").done().bytes();
        fake = FakeUpstream.start(r -> Reply.sse(body).withChunking(chunking).withFraming(Framing.CLOSE_DELIMITED));

        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/s")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.body()).isEqualTo(body);
    }

    @Test
    void randomChunkingIsDeterministicAndCoversTheBody() {
        Chunking chunking = Chunking.random(99, 5);
        int[] sizes = chunking.sizes(1000);
        assertThat(sizes).isEqualTo(Chunking.random(99, 5).sizes(1000));
        assertThat(Arrays.stream(sizes).sum()).isEqualTo(1000);
        assertThat(Arrays.stream(sizes).boxed().toList()).allMatch(s -> s >= 1 && s <= 5);
        assertThat(Chunking.oneByte().sizes(4)).containsExactly(1, 1, 1, 1);
        assertThat(Chunking.whole().sizes(4)).containsExactly(4);
    }

    @Test
    void stallHoldsTheBodyUntilTheGateIsReleased() throws Exception {
        Gate gate = new Gate();
        byte[] body = "0123456789".getBytes(StandardCharsets.US_ASCII);
        fake = FakeUpstream.start(r -> Reply.text(200, "0123456789").withStallAt(4, gate));

        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(
                HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/slow")).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(gate.awaitReached(Duration.ofSeconds(10))).isTrue();
        assertThat(pending).isNotDone();
        gate.release();
        assertThat(pending.get(10, TimeUnit.SECONDS).body()).isEqualTo(body);
    }

    @Test
    void aValveLetsTheBodyOutAsFarAsItIsOpenSplittingPieces() throws Exception {
        byte[] body = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        Valve valve = new Valve();
        fake = FakeUpstream.start(r -> Reply.sse(body).withChunking(Chunking.random(3, 6)).withPacer(valve));
        CompletableFuture<byte[]> raw = CompletableFuture.supplyAsync(() -> {
            try {
                return rawExchange("GET /drip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        for (int open : new int[]{3, 10, 11}) {
            valve.openTo(open);
            assertThat(valve.awaitSent(open, Duration.ofSeconds(10))).isTrue();
            assertThat(valve.sent()).as("sent while open to %d", open).isEqualTo(open);
        }
        assertThat(raw).isNotDone();
        valve.openTo(body.length);

        List<Integer> sizes = new ArrayList<>();
        assertThat(dechunk(raw.get(10, TimeUnit.SECONDS), sizes)).isEqualTo(body);
        List<Integer> ends = new ArrayList<>();
        int end = 0;
        for (int size : sizes) {
            end += size;
            ends.add(end);
        }
        assertThat(ends).contains(3, 10, 11, body.length).allMatch(e -> e <= body.length);
        assertThat(sizes).allMatch(size -> size >= 1 && size <= 6);
    }

    @Test
    void stallBeforeHeadersDelaysTheStatusLine() throws Exception {
        Gate gate = new Gate();
        fake = FakeUpstream.start(r -> Reply.text(200, "late").withStallBeforeHeaders(gate));

        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
                HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/slow")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(gate.awaitReached(Duration.ofSeconds(10))).isTrue();
        assertThat(pending).isNotDone();
        gate.release();
        assertThat(pending.get(10, TimeUnit.SECONDS).body()).isEqualTo("late");
    }

    @Test
    void resetMidBodyFailsTheReader() throws Exception {
        byte[] body = AnthropicSse.message("m").text("Hello").end("end_turn", 1).bytes();
        fake = FakeUpstream.start(r -> Reply.sse(body).withChunking(Chunking.random(3, 11)).withResetAt(body.length / 2));

        byte[] raw = rawExchangeUntilError("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        // the RST may also discard bytes still unread in the receive buffer, so only an upper bound holds
        assertThat(dechunkPartial(raw).length).isLessThanOrEqualTo(body.length / 2);
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/s")).build(),
                HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
    }

    @Test
    void closeWithoutBodyAndDroppedConnectionFailTheReader() {
        fake = FakeUpstream.start(r -> r.path().equals("/headers-only")
                ? Reply.sse(new byte[]{1, 2, 3}).withCloseWithoutBody()
                : Reply.dropConnectionReply());

        for (String path : List.of("/headers-only", "/nothing")) {
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray())).as(path).isInstanceOf(IOException.class);
        }
    }

    @Test
    void holdKeepsTheResponseOpenUntilThePeerHangsUp() throws Exception {
        fake = FakeUpstream.start(r -> Reply.sse("data: first\n\n".getBytes(StandardCharsets.UTF_8)).withHoldAt(13));
        try (Socket socket = new Socket("127.0.0.1", fake.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /h HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (!seen.toString(StandardCharsets.US_ASCII).contains("data: first")) {
                seen.write(in.read());
            }
            assertThat(fake.openConnections()).isEqualTo(1);
        }
        fake.awaitOpenConnectionsAtMost(0, Duration.ofSeconds(10));
    }

    @Test
    void keepAliveServesSequentialRequestsOnOneConnection() throws Exception {
        fake = FakeUpstream.start(r -> Reply.sse(("data: " + r.sequence() + "\n\n").getBytes(StandardCharsets.UTF_8)));
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/k")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("data: " + i + "\n\n");
        }
        assertThat(fake.connections()).isEqualTo(1);
        assertThat(fake.awaitRequests(3, Duration.ofSeconds(1))).hasSize(3);
    }

    @Test
    void closeEndsAStalledExchange() throws Exception {
        Gate never = new Gate();
        fake = FakeUpstream.start(r -> Reply.text(200, "x").withStallBeforeHeaders(never));
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
                HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/hang")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(never.awaitReached(Duration.ofSeconds(10))).isTrue();

        fake.close();

        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        // the port may be handed to someone else at once, so judge by the fake's own count, not by connect()
        int accepted = fake.connections();
        try (Socket probe = new Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", fake.port()), 2000);
        } catch (IOException refused) {
            // expected: nothing listens there any more
        }
        assertThat(fake.connections()).isEqualTo(accepted);
    }

    @Test
    void handlerFailureIsAnswered500AndRecorded() throws Exception {
        fake = FakeUpstream.start(r -> {
            throw new IllegalStateException("boom");
        });
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(fake.handlerErrors()).hasSize(1);
    }

    // --- transcript builders and the validator ---------------------------------------------------------

    @Test
    void anthropicTranscriptsAreValidStreams() {
        Sse.Result text = Sse.validate(AnthropicSse.message("m").ping().text("a", "b").end("end_turn", 2).bytes());
        assertThat(text.stopReason()).isEqualTo("end_turn");
        Sse.Result tools = Sse.validate(AnthropicSse.message("m").thinking("sig", "hmm").text("x")
                .toolUse("toolu_1", "Write", "{\"a\":", "1}").end("tool_use", 9).bytes());
        assertThat(tools.named("content_block_start")).hasSize(3);
        Sse.Result error = Sse.validate(AnthropicSse.message("m").text("partial").error("overloaded_error", "Overloaded").bytes());
        assertThat(error.errored()).isTrue();
    }

    @Test
    void validatorCatchesABrokenStream() {
        byte[] truncated = AnthropicSse.message("m").text("a").messageDelta("end_turn", 1).bytes();
        assertThat(Sse.check(truncated).violations()).anyMatch(v -> v.contains("without message_stop"));
        assertThatThrownBy(() -> Sse.validate(truncated)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("--- transcript ---");
    }

    @Test
    void anthropicTranscriptFoldsIntoTheNonStreamingMessage() {
        var message = AnthropicSse.message("msg_1", "m", 10, 4).text("Hi ", "there")
                .toolUse("toolu_1", "Write", "{\"file_path\":", "\"/a\"}").end("tool_use", 7).message();
        assertThat(message.get("stop_reason").asString()).isEqualTo("tool_use");
        assertThat(message.get("content").get(0).get("text").asString()).isEqualTo("Hi there");
        assertThat(message.get("content").get(1).get("input").get("file_path").asString()).isEqualTo("/a");
        assertThat(message.get("usage").get("output_tokens").asInt()).isEqualTo(7);
        assertThat(message.get("usage").get("cache_read_input_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void openAiTranscriptFoldsIntoTheNonStreamingCompletion() {
        OpenAiSse sse = OpenAiSse.chat("m").role().reasoning("think").text("a", "b")
                .toolCall(0, "call_1", "f", "{\"x\"", ":1}").finish("tool_calls").usage(10, 5, 2).done();
        var completion = sse.completion();
        var message = completion.get("choices").get(0).get("message");
        assertThat(message.get("content").asString()).isEqualTo("ab");
        assertThat(message.get("reasoning_content").asString()).isEqualTo("think");
        assertThat(message.get("tool_calls").get(0).get("function").get("arguments").asString()).isEqualTo("{\"x\":1}");
        assertThat(completion.get("choices").get(0).get("finish_reason").asString()).isEqualTo("tool_calls");
        List<Sse.Event> events = Sse.parse(sse.bytes());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }

    // --- raw socket helpers ----------------------------------------------------------------------------

    private byte[] rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fake.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return socket.getInputStream().readAllBytes();
        }
    }

    private byte[] rawExchangeUntilError(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fake.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[256];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // expected: connection reset
            }
            return got.toByteArray();
        }
    }

    /** Decodes a chunked HTTP response, recording each chunk's size. */
    private static byte[] dechunk(byte[] raw, List<Integer> sizes) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int pos = text.indexOf("\r\n\r\n") + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int eol = text.indexOf("\r\n", pos);
            int size = Integer.parseInt(text.substring(pos, eol), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            sizes.add(size);
            body.write(raw, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    }

    /** The body bytes of a chunked response that may end anywhere. */
    private static byte[] dechunkPartial(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int pos = text.indexOf("\r\n\r\n") + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (pos < text.length()) {
            int eol = text.indexOf("\r\n", pos);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(text.substring(pos, eol), 16);
            int available = Math.min(size, raw.length - (eol + 2));
            body.write(raw, eol + 2, available);
            pos = eol + 2 + size + 2;
        }
        return body.toByteArray();
    }
}
