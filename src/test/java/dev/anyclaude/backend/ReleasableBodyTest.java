package dev.anyclaude.backend;

import dev.anyclaude.testing.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Flow;

import static org.assertj.core.api.Assertions.assertThat;

class ReleasableBodyTest {

    private final UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(10));
    private FakeUpstream upstream;

    @AfterEach
    void stop() {
        http.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void theUpstreamGetsEveryByteAndTheBodyIsLetGoOfOnceTheHeadersAreIn() throws IOException {
        byte[] sent = new byte[300_000];
        new Random(7).nextBytes(sent);
        upstream = FakeUpstream.start(request -> FakeUpstream.Reply.sse(
                "data: {\"ok\":true}\n\n".getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = http.request(upstream.baseUrl() + "/v1/chat/completions")
                .POST(UpstreamHttp.body(sent)).build();

        HttpResponse<InputStream> response = http.send(request, "test", CallControl.unwatched());
        try (InputStream body = response.body()) {
            assertThat(((ReleasableBody) request.bodyPublisher().orElseThrow()).released()).isTrue();
            assertThat(body.readAllBytes()).isNotEmpty();
        }
        assertThat(upstream.requests()).singleElement().satisfies(r -> {
            assertThat(r.body()).isEqualTo(sent);
            assertThat(r.header("content-length")).isEqualTo(String.valueOf(sent.length));
        });
    }

    @Test
    void itSendsTheArrayItselfOnceAndASubscriptionAfterTheReleaseFails() {
        byte[] sent = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        ReleasableBody body = new ReleasableBody(sent);
        assertThat(body.contentLength()).isEqualTo(sent.length);

        Collector first = new Collector();
        body.subscribe(first);
        first.subscription.request(1);
        first.subscription.request(1);
        assertThat(first.buffers).singleElement().satisfies(buffer -> {
            byte[] got = new byte[buffer.remaining()];
            buffer.get(got);
            assertThat(got).isEqualTo(sent);
        });
        assertThat(first.completed).isTrue();

        body.release();
        Collector again = new Collector();
        body.subscribe(again);
        again.subscription.request(1);
        assertThat(again.buffers).isEmpty();
        assertThat(again.error).isInstanceOf(IOException.class).hasMessageContaining("released");
    }

    private static final class Collector implements Flow.Subscriber<ByteBuffer> {
        final List<ByteBuffer> buffers = new ArrayList<>();
        Flow.Subscription subscription;
        boolean completed;
        Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(ByteBuffer item) {
            buffers.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }
}
