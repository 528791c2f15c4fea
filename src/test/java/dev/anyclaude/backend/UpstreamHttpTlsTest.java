package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.Started;
import dev.anyclaude.testing.TestTls;
import io.helidon.common.tls.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * https upstreams (OpenRouter, OpenAI, Anthropic) through {@link UpstreamHttp}, against a loopback https fake with
 * a certificate of the test's own: the TLS set-up is made by the first https exchange only (a gateway in front of
 * a plain-HTTP local server never pays for it), shared by the exchanges after it, whose connection is kept; an
 * upstream whose certificate the JVM does not trust fails the request with what went wrong.
 */
class UpstreamHttpTlsTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final Started started = new Started();

    /** Makes the test's TLS set-up and counts how often it was asked to. */
    private static final class CountingTls implements Supplier<Tls> {
        final AtomicInteger made = new AtomicInteger();

        @Override
        public Tls get() {
            made.incrementAndGet();
            return TestTls.get().clientTls();
        }
    }

    /** An https fake upstream with the test's certificate, closed after the test. */
    private FakeUpstream httpsUpstream(Function<FakeUpstream.RecordedRequest, Reply> handler) {
        return started.add(FakeUpstream.startTls(TestTls.get().serverContext(), handler));
    }

    private static String get(UpstreamHttp http, String url) {
        HttpResponse<byte[]> response = http.sendSmall(http.request(url).GET().build(), "test");
        assertThat(response.statusCode()).isEqualTo(200);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void anHttpsUpstreamIsAnsweredOverOneKeptConnection() {
        FakeUpstream upstream = httpsUpstream(request -> Reply.json(200, "{\"data\":[]}"));
        CountingTls tls = new CountingTls();
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, tls));

        assertThat(upstream.baseUrl()).startsWith("https://");
        for (int i = 0; i < 3; i++) {
            assertThat(get(http, upstream.baseUrl() + "/v1/models")).isEqualTo("{\"data\":[]}");
        }

        assertThat(upstream.requests("/v1/models")).hasSize(3);
        assertThat(upstream.connections()).as("TLS connections (each a handshake of several round trips)")
                .isEqualTo(1);
        assertThat(tls.made).as("TLS set-ups made").hasValue(1);
    }

    @Test
    void aPlainHttpUpstreamNeverSetsUpTls() {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.json(200, "{\"data\":[]}")));
        CountingTls tls = new CountingTls();
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, tls));

        http.prepare(List.of(upstream.baseUrl() + "/v1"));
        get(http, upstream.baseUrl() + "/v1/models");
        try (UpstreamHttp.EarlyConnection early = http.connectEarly(upstream.baseUrl() + "/v1/models")) {
            assertThat(early).isNotSameAs(UpstreamHttp.EarlyConnection.NONE);
        }

        assertThat(http.prepared()).isTrue();
        assertThat(tls.made).as("TLS set-ups made for plain-HTTP exchanges").hasValue(0);
        assertThat(http.tlsMade()).isFalse();
        // nor did Helidon make its default one for the client or the connector
        assertThat(http.clientsTls()).hasSize(2).noneMatch(Tls::enabled);
    }

    @Test
    void prepareMakesTheTlsSetUpWhenAnUpstreamIsHttps() {
        FakeUpstream upstream = httpsUpstream(request -> Reply.json(200, "{\"data\":[]}"));
        CountingTls tls = new CountingTls();
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, tls));

        http.prepare(List.of("http://127.0.0.1:9/v1", upstream.baseUrl().toUpperCase(java.util.Locale.ROOT) + "/v1"));
        assertThat(http.tlsMade()).isTrue();
        assertThat(tls.made).hasValue(1);

        get(http, upstream.baseUrl() + "/v1/models");
        assertThat(tls.made).as("the first exchange uses the prepared set-up").hasValue(1);
    }

    /** A Chat Completions stream that ends with [DONE], sent in random pieces over the chunked framing. */
    private static Reply streamedAnswer() {
        byte[] sse = OpenAiSse.chat("m").role().text("hello ").text("there").finish("stop").done().bytes();
        return Reply.sse(sse).withChunking(Chunking.random(7, 40));
    }

    private CallControl control() {
        Watchdog watchdog = started.add(Watchdog.start(Duration.ofMillis(50)));
        return started.add(watchdog.open(Deadlines.DEFAULTS, BOUND));
    }

    private static Backend openAi(FakeUpstream upstream, UpstreamHttp http) {
        return new OpenAiBackend(GatewayConfig.of(upstream.baseUrl() + "/v1", Protocol.OPENAI), http, Map.of());
    }

    /** One streamed answer through OpenAiBackend's pump, as the gateway reads it: up to [DONE]. */
    private String streamedText(Backend backend) {
        MessagesRequest request = RequestParser.parseMessages(("{\"model\":\"claude-sonnet\",\"max_tokens\":100,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        try (UpstreamReply reply = backend.send(new BackendCall(request, "m", ClientHeaders.EMPTY, control()))) {
            ((UpstreamReply.Events) reply).pump(event -> {
                if (event instanceof ModelEvent.TextDelta delta) {
                    text.append(delta.text());
                }
            });
        }
        return text.toString();
    }

    @Test
    void streamedChatCompletionsOverTlsLeaveTheirConnectionForTheNextRequest() throws Exception {
        FakeUpstream upstream = httpsUpstream(request -> streamedAnswer());
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, new CountingTls()));
        Backend backend = openAi(upstream, http);

        // the pump stops at [DONE]; the end of the chunked body after it is read so that the connection is kept
        assertThreeAnswersOnOneConnection(backend, http, upstream, "/v1/chat/completions");
    }

    private void assertThreeAnswersOnOneConnection(Backend backend, UpstreamHttp http, FakeUpstream upstream,
                                                   String path) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            assertThat(streamedText(backend)).isEqualTo("hello there");
            // the rest of the body is read after the answer, on a thread of its own
            assertThat(http.awaitRestsRead(i + 1, BOUND)).isTrue();
        }
        assertThat(upstream.requests(path)).hasSize(3);
        assertThat(upstream.connections()).as("TLS connections for three streamed answers").isEqualTo(1);
    }

    @Test
    void decodedAnthropicStreamsOverTlsLeaveTheirConnectionForTheNextRequest() throws Exception {
        byte[] sse = AnthropicSse.message("m").text("hello ", "there").end("end_turn", 2).bytes();
        FakeUpstream upstream = httpsUpstream(request -> Reply.sse(sse).withChunking(Chunking.random(11, 40)));
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, new CountingTls()));
        // not anthropic.com: the stream is decoded (and stops at message_stop), not relayed to its end
        Backend backend = new AnthropicBackend(GatewayConfig.of(upstream.baseUrl(), Protocol.ANTHROPIC), http,
                Map.of());

        assertThreeAnswersOnOneConnection(backend, http, upstream, "/v1/messages");
    }

    @Test
    void anUpstreamThatWithholdsTheEndOfItsStreamCostsItsConnectionNotTheAnswer() throws Exception {
        byte[] sse = OpenAiSse.chat("m").role().text("hello").finish("stop").done().bytes();
        // everything up to [DONE] and past it, but not the chunked body's last chunk, until the client leaves
        FakeUpstream upstream = httpsUpstream(request -> Reply.sse(sse).withHoldAt(sse.length));
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, new CountingTls()));
        Backend backend = openAi(upstream, http);

        assertThat(streamedText(backend)).isEqualTo("hello");
        // the connection was given up after UpstreamHttp.REST_WAIT, and closed: the server saw the client leave
        assertThat(http.awaitRestsRead(1, BOUND)).isTrue();
        upstream.awaitNoActiveExchange(BOUND);

        upstream.handler(request -> streamedAnswer());
        assertThat(streamedText(backend)).isEqualTo("hello there");
        assertThat(upstream.connections()).as("a new connection for the next request").isEqualTo(2);
    }

    @Test
    void closingTheClientEndsARestStillBeingRead() throws Exception {
        FakeUpstream upstream = httpsUpstream(request -> streamedAnswer());
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND, new CountingTls()));
        Backend backend = openAi(upstream, http);
        assertThat(streamedText(backend)).isEqualTo("hello there");
        assertThat(http.awaitRestsRead(1, BOUND)).isTrue();
        // the next answer comes on the kept connection (one the exchange did not open), and its end is withheld
        byte[] sse = OpenAiSse.chat("m").role().text("hello").finish("stop").done().bytes();
        upstream.handler(request -> Reply.sse(sse).withHoldAt(sse.length));
        assertThat(streamedText(backend)).isEqualTo("hello");
        assertThat(upstream.connections()).isEqualTo(1);

        // the gateway stops while the rest is awaited: its connection is closed then, not left to its read timeout
        http.close();

        assertThat(http.awaitRestsRead(2, BOUND)).isTrue();
        upstream.awaitNoActiveExchange(BOUND);
    }

    @Test
    void anUntrustedCertificateFailsTheRequestWithTheReason() {
        FakeUpstream upstream = httpsUpstream(request -> Reply.json(200, "{\"data\":[]}"));
        // the gateway's own TLS set-up: the JVM's trusted certificates, which do not include the test's
        UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND));

        UpstreamException failure = catchThrowableOfType(UpstreamException.class,
                () -> http.sendSmall(http.request(upstream.baseUrl() + "/v1/models").GET().build(), "test"));

        assertThat(failure).as("the request fails").isNotNull();
        assertThat(failure.kind()).isEqualTo(UpstreamException.Kind.IO);
        assertThat(failure.getMessage()).contains("TLS handshake failed (" + upstream.baseUrl() + ")")
                .contains("certification path").contains("-Djavax.net.ssl.trustStore=");
        assertThat(upstream.requests()).as("requests that reached the server").isEmpty();
    }

    @Test
    void aTrustStoreGivenToTheJvmMakesAPrivateCertificateTrusted(@TempDir Path dir) {
        FakeUpstream upstream = httpsUpstream(request -> Reply.json(200, "{\"data\":[]}"));
        Path store = dir.resolve("trust.p12");
        TestTls.get().writeTrustStore(store);
        Map<String, String> properties = Map.of("javax.net.ssl.trustStore", store.toString(),
                "javax.net.ssl.trustStorePassword", TestTls.TRUST_STORE_PASSWORD,
                "javax.net.ssl.trustStoreType", "PKCS12");
        properties.forEach(System::setProperty);
        try {
            // what the error's hint says to do (ANYCLAUDE_JAVA_OPTS sets these for the gateway's JVM)
            UpstreamHttp http = started.add(new UpstreamHttp(BOUND, BOUND));

            assertThat(get(http, upstream.baseUrl() + "/v1/models")).isEqualTo("{\"data\":[]}");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}
