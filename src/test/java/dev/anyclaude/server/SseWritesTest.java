package dev.anyclaude.server;

import dev.anyclaude.backend.HelidonRegistry;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.Usage;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.Sse;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a streamed answer is written to the client, seen in the HTTP chunks of the response (each flush of the
 * gateway is one chunk, whatever TCP does with them): the client events that one upstream event becomes go out
 * in one write. The first text of an answer is {@code message_start}, {@code content_block_start} and its
 * delta: one chunk, so the client's first token costs it one read, not three.
 */
class SseWritesTest {

    private static FakeUpstream upstream;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(SseWritesTest::openAiServer);
        gateway = GatewayUnderTest.start(GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI)
                .withModel("m"));
    }

    @AfterAll
    static void stop() {
        Resources.closeInOrder(gateway, upstream);
    }

    private static Reply openAiServer(RecordedRequest request) {
        // one upstream event per write, byte by byte for some: the gateway sees them one at a time
        OpenAiSse answer = OpenAiSse.chat("m").role().text("Hello", " world", "!").finish("stop").usage(9, 3, 0).done();
        return answer.reply().withChunking(request.sequence() % 2 == 0 ? Chunking.oneByte()
                : Chunking.random(request.sequence(), 7));
    }

    @Test
    void theFirstTextGoesOutWithTheEventsThatOpenTheAnswerInOneWrite() throws IOException {
        for (int i = 0; i < 4; i++) {
            List<String> chunks = streamedChunks();
            assertThat(chunks).as("chunks").isNotEmpty();
            assertThat(events(chunks.getFirst())).as("first chunk: %s", chunks.getFirst())
                    .containsExactly("message_start", "content_block_start", "content_block_delta");
            // every chunk holds whole events, and together they are a valid Anthropic stream
            for (String chunk : chunks) {
                assertThat(chunk).as("a chunk of whole events").startsWith("event: ").endsWith("\n\n");
            }
            byte[] body = String.join("", chunks).getBytes(StandardCharsets.UTF_8);
            assertThat(Sse.check(body).violations()).isEmpty();
            assertThat(String.join("", chunks)).contains("\"text\":\"Hello\"", "\"text\":\" world\"",
                    "\"text\":\"!\"", "event: message_stop");
        }
    }

    /**
     * A heartbeat that fires between the stream's last event and its close (the request's thread held up on a
     * busy machine, longer than the ping interval) writes nothing: a ping after {@code message_stop} is an event
     * after the end of the stream. One due before the end still goes.
     */
    @Test
    void noPingFollowsTheLastEvent() throws Exception {
        HelidonRegistry.install();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.post("/stream", (req, res) -> {
                    SseResponse sse = new SseResponse(res, "req_test");
                    sse.accept(new StreamEvent.MessageStart("msg_test", "m", new Usage(1, 0, 0, 0)));
                    sse.pingIfIdle(0); // due: the stream is open
                    sse.accept(new StreamEvent.MessageStop());
                    sse.pingIfIdle(0); // due by the clock, but the stream has ended
                    sse.close();
                }))
                .build().start();
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String body = client.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/stream"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(events(body)).containsExactly("message_start", "ping", "message_stop");
        } finally {
            server.stop();
        }
    }

    /** The names of the events in {@code text}, read with the gateway's own SSE parser. */
    private static List<String> events(String text) {
        return Sse.parse(text.getBytes(StandardCharsets.UTF_8)).stream().map(Sse.Event::name).toList();
    }

    /** One streamed request on a raw socket; the payloads of the response's HTTP chunks, in order. */
    private static List<String> streamedChunks() throws IOException {
        String body = "{\"model\":\"claude-x\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String status = line(in);
            assertThat(status).startsWith("HTTP/1.1 200");
            boolean chunked = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                chunked |= header.toLowerCase(java.util.Locale.ROOT).matches("transfer-encoding:\\s*chunked");
            }
            assertThat(chunked).as("a chunked response").isTrue();
            List<String> chunks = new ArrayList<>();
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                chunks.add(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                assertThat(line(in)).isEmpty();
            }
            return chunks;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new java.io.EOFException("the response ended inside a line: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
