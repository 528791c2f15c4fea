package dev.anyclaude.contract;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Framing;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import dev.anyclaude.testing.Resources;
import dev.anyclaude.testing.Sse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream connections are kept between requests, a local server's plain HTTP included: a new connection
 * would cost a connect and the server's accept on every request's way to its first token. A Chat Completions
 * stream's answer ends at its last event, before its body does; the rest of the body (the end of the chunked
 * framing) is read after the answer so the connection can go back to the pool. What a kept connection can go
 * through is pinned here: a server that drops it as the next request arrives, one that left bytes on it past
 * its response's end, one that never ends its body after the answer.
 */
class KeptUpstreamConnectionsTest {

    private static final String STREAM = "{\"model\":\"claude-x\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static byte[] answer(String text) {
        return OpenAiSse.chat("m").role().text(text).finish("stop").usage(9, 1, 0).done().bytes();
    }

    private static Reply streamed(RecordedRequest request, String text) {
        // split at random, so the end of the framing often arrives apart from the last event
        return Reply.sse(answer(text)).withChunking(Chunking.random(request.sequence(), 11));
    }

    /** Runs the requests through a gateway in front of an upstream answering with {@code handler}. */
    private static void withGateway(Function<RecordedRequest, Reply> handler, Scenario scenario) throws Exception {
        FakeUpstream upstream = FakeUpstream.start(handler);
        GatewayUnderTest gateway = null;
        try {
            // no retries of the gateway's own: what is sent again here is the connection's doing
            gateway = GatewayUnderTest.start(GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI).withModel("m")
                    .withResilience(Resilience.NONE));
            scenario.run(upstream, gateway);
            assertThat(upstream.handlerErrors()).isEmpty();
        } finally {
            Resources.closeInOrder(gateway, upstream);
        }
    }

    private interface Scenario {
        void run(FakeUpstream upstream, GatewayUnderTest gateway) throws Exception;
    }

    /** One streamed request; asserts a complete, valid answer of {@code text}, then waits for the gateway to idle. */
    private static void streamsAnswer(GatewayUnderTest gateway, String text) throws Exception {
        RawHttp.Response response = gateway.http().post("/v1/messages", STREAM);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        Sse.check(response.text().getBytes(StandardCharsets.UTF_8)).assertValid();
        assertThat(response.text()).contains("\"text\":\"" + text + "\"", "event: message_stop");
        assertThat(gateway.server().awaitIdle(Duration.ofSeconds(10))).as("gateway idle").isTrue();
    }

    @Test
    void consecutiveStreamsToAPlainHttpUpstreamShareOneConnection() throws Exception {
        withGateway(request -> streamed(request, "answer " + request.sequence()), (upstream, gateway) -> {
            for (int i = 1; i <= 6; i++) {
                streamsAnswer(gateway, "answer " + i);
            }
            assertThat(upstream.requests()).hasSize(6);
            assertThat(upstream.connections()).as("connections for six requests in a row").isEqualTo(1);
        });
    }

    @Test
    void aKeptConnectionTheServerDropsAsTheNextRequestArrivesIsRetriedOnANewOne() throws Exception {
        // the second request finds its kept connection closed by the server (an idle timeout, a restart)
        withGateway(request -> request.sequence() == 2 ? Reply.dropConnectionReply()
                : streamed(request, "answer " + request.sequence()), (upstream, gateway) -> {
            streamsAnswer(gateway, "answer 1");
            streamsAnswer(gateway, "answer 3");
            assertThat(upstream.requests()).as("the dropped request and its retry").hasSize(3);
            assertThat(upstream.connections()).isEqualTo(2);
        });
    }

    @Test
    void aFailureOnANewConnectionIsTheUpstreamsAndIsNotRetried() throws Exception {
        withGateway(request -> Reply.dropConnectionReply(), (upstream, gateway) -> {
            RawHttp.Response response = gateway.http().post("/v1/messages", STREAM);
            assertThat(response.status()).as(response.text()).isGreaterThanOrEqualTo(500);
            assertThat(upstream.requests()).hasSize(1);
        });
    }

    @Test
    void bytesAServerLeftPastItsResponsesEndDoNotBecomeTheNextAnswer() throws Exception {
        // the first response declares its length and sends a line more: the kept connection holds it when the
        // second request goes out, so the second response reads as garbage there and is fetched again
        withGateway(request -> {
            if (request.sequence() == 1) {
                byte[] body = answer("answer 1");
                ByteArrayOutputStream withJunk = new ByteArrayOutputStream();
                withJunk.writeBytes(body);
                withJunk.writeBytes("junk that is not HTTP\r\n".getBytes(StandardCharsets.US_ASCII));
                return Reply.of(200, "text/event-stream", withJunk.toByteArray())
                        .withFraming(Framing.CONTENT_LENGTH).withDeclaredLength(body.length);
            }
            return streamed(request, "answer " + request.sequence());
        }, (upstream, gateway) -> {
            streamsAnswer(gateway, "answer 1");
            streamsAnswer(gateway, "answer 3");
            assertThat(upstream.requests()).hasSize(3);
        });
    }

    @Test
    void aBodyThatNeverEndsAfterItsAnswerCostsTheClientNothingAndItsConnectionIsClosed() throws Exception {
        // after [DONE] the server keeps sending filler, never ending the body: the answer is whole at once, the
        // gateway reads a bounded amount more, then gives the connection up
        withGateway(request -> request.sequence() == 1 ? Reply.sse(answer("answer 1")).withEndlessBody()
                : streamed(request, "answer " + request.sequence()), (upstream, gateway) -> {
            streamsAnswer(gateway, "answer 1");
            // the endless body's connection, closed by the gateway
            upstream.awaitOpenConnectionsAtMost(0, Duration.ofSeconds(10));
            streamsAnswer(gateway, "answer 2");
            assertThat(upstream.connections()).isEqualTo(2);
        });
    }
}
