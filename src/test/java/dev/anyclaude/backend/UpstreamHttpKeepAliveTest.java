package dev.anyclaude.backend;

import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Framing;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kept upstream connections and what can happen to one while it waits in the pool: the server drops it as the
 * next request arrives (an idle timeout, a restart), or the previous response left bytes on it past its end.
 * Either failure comes before the response begins and is not the upstream's answer to the request: it is tried
 * once more on a new connection. A failure on a new connection is the upstream's and is reported as it is.
 * (Calls here are unwatched, whose connections stay in the pool for the headers limit, so that each second
 * request finds the first one's connection.)
 */
class UpstreamHttpKeepAliveTest {

    private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private static String call(UpstreamHttp http, FakeUpstream upstream) throws Exception {
        HttpRequest request = http.request(upstream.baseUrl() + "/v1/chat/completions")
                .POST(UpstreamHttp.body("{}".getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<InputStream> response = http.send(request, "test");
        try (InputStream body = response.body()) {
            return response.statusCode() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void withUpstream(Function<RecordedRequest, Reply> handler, Scenario scenario) throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(handler);
             UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            scenario.run(http, upstream);
            assertThat(upstream.handlerErrors()).isEmpty();
        }
    }

    private interface Scenario {
        void run(UpstreamHttp http, FakeUpstream upstream) throws Exception;
    }

    @Test
    void callsOneAfterAnotherShareAConnection() throws Exception {
        withUpstream(request -> Reply.json(200, "{\"ok\":true}"), (http, upstream) -> {
            for (int i = 0; i < 4; i++) {
                assertThat(call(http, upstream)).isEqualTo("200 {\"ok\":true}");
            }
            assertThat(upstream.connections()).isEqualTo(1);
        });
    }

    @Test
    void aKeptConnectionTheServerDropsAsTheNextRequestArrivesIsTriedAgainOnANewOne() throws Exception {
        withUpstream(request -> request.sequence() == 2 ? Reply.dropConnectionReply() : Reply.json(200, "{\"ok\":true}"),
                (http, upstream) -> {
                    assertThat(call(http, upstream)).isEqualTo("200 {\"ok\":true}");
                    assertThat(call(http, upstream)).isEqualTo("200 {\"ok\":true}");
                    assertThat(upstream.requests()).as("the dropped request and its retry").hasSize(3);
                    assertThat(upstream.connections()).isEqualTo(2);
                });
    }

    @Test
    void bytesLeftPastAResponsesEndDoNotBecomeTheNextAnswer() throws Exception {
        // the first response declares its length and sends a line more, which waits on the kept connection
        withUpstream(request -> {
            if (request.sequence() == 1) {
                ByteArrayOutputStream withJunk = new ByteArrayOutputStream();
                withJunk.writeBytes(OK);
                withJunk.writeBytes("junk that is not HTTP\r\n".getBytes(StandardCharsets.US_ASCII));
                return Reply.of(200, "application/json", withJunk.toByteArray())
                        .withFraming(Framing.CONTENT_LENGTH).withDeclaredLength(OK.length);
            }
            return Reply.json(200, "{\"second\":" + request.sequence() + "}");
        }, (http, upstream) -> {
            assertThat(call(http, upstream)).isEqualTo("200 {\"ok\":true}");
            assertThat(call(http, upstream)).isEqualTo("200 {\"second\":3}");
            assertThat(upstream.requests()).hasSize(3);
        });
    }

    @Test
    void aFailureOnANewConnectionIsReportedNotRetried() throws Exception {
        withUpstream(request -> Reply.dropConnectionReply(), (http, upstream) -> {
            assertThatThrownBy(() -> call(http, upstream)).isInstanceOf(UpstreamException.class);
            assertThat(upstream.requests()).hasSize(1);
        });
    }
}
