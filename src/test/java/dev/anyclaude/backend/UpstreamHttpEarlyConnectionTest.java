package dev.anyclaude.backend;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.Started;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link UpstreamHttp#connectEarly}: a connection opened while the request is still being prepared, which the
 * exchange then sends on; let go of when no exchange takes it; failing as a connect of the exchange's own would.
 * Real sockets on loopback throughout.
 */
class UpstreamHttpEarlyConnectionTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final Started started = new Started();

    private UpstreamHttp http(Duration headersTimeout) {
        return started.add(new UpstreamHttp(Duration.ofSeconds(5), headersTimeout));
    }

    private CallControl control(String baseUrl) {
        Watchdog watchdog = started.add(Watchdog.start(Duration.ofMillis(50)));
        GatewayConfig config = GatewayConfig.of(baseUrl, Protocol.OPENAI);
        return started.add(watchdog.open(config.deadlines(), config.headersTimeout()));
    }

    private static HttpRequest post(UpstreamHttp http, String url) {
        return http.request(url).header("content-type", "application/json").POST(UpstreamHttp.body(BODY)).build();
    }

    private static String answer(HttpResponse<InputStream> response) throws IOException {
        try (InputStream body = response.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theExchangeSendsOnTheEarlyConnection() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.json(200, "{\"ok\":true}")));
        UpstreamHttp http = http(BOUND);
        String url = upstream.baseUrl() + "/v1/chat/completions";

        for (int i = 0; i < 3; i++) {
            try (UpstreamHttp.EarlyConnection early = http.connectEarly(url)) {
                HttpResponse<InputStream> response = http.send(post(http, url), "test", control(upstream.baseUrl()), early);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(answer(response)).isEqualTo("{\"ok\":true}");
            }
        }

        assertThat(upstream.requests("/v1/chat/completions")).hasSize(3)
                .allSatisfy(request -> assertThat(request.bodyText()).isEqualTo("{\"model\":\"m\"}"));
        // the first exchange's early connection, kept for the next two (UpstreamHttpKeptConnectionsTest)
        assertThat(upstream.connections()).isEqualTo(1);
    }

    @Test
    void anEarlyConnectionNoExchangeTookIsClosed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            UpstreamHttp http = http(BOUND);
            UpstreamHttp.EarlyConnection early = http.connectEarly(
                    "http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
            try (Socket accepted = server.accept()) {
                early.close();
                accepted.setSoTimeout((int) BOUND.toMillis());
                assertThat(accepted.getInputStream().read()).as("the gateway's side closed, nothing sent").isEqualTo(-1);
            }
        }
    }

    @Test
    void anEarlyConnectionToAnotherServerIsLetGoAndTheExchangeConnectsItself() throws Exception {
        FakeUpstream upstream = started.add(FakeUpstream.start(request -> Reply.json(200, "{\"ok\":true}")));
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            UpstreamHttp http = http(BOUND);
            String url = upstream.baseUrl() + "/v1/chat/completions";
            try (UpstreamHttp.EarlyConnection early = http.connectEarly(
                    "http://127.0.0.1:" + other.getLocalPort() + "/v1/chat/completions");
                 Socket accepted = other.accept()) {
                HttpResponse<InputStream> response = http.send(post(http, url), "test", control(upstream.baseUrl()), early);
                assertThat(answer(response)).isEqualTo("{\"ok\":true}");
                accepted.setSoTimeout((int) BOUND.toMillis());
                assertThat(accepted.getInputStream().read()).as("the unused early connection is closed").isEqualTo(-1);
            }
        }
        assertThat(upstream.requests("/v1/chat/completions")).hasSize(1);
    }

    @Test
    void aRefusedEarlyConnectFailsTheExchangeAsItsOwnConnectWould() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        String url = base + "/v1/chat/completions";
        UpstreamHttp http = http(BOUND);

        UpstreamException without = catchThrowableOfType(UpstreamException.class,
                () -> http.send(post(http, url), "test", control(base)));
        UpstreamException with;
        try (UpstreamHttp.EarlyConnection early = http.connectEarly(url)) {
            with = catchThrowableOfType(UpstreamException.class,
                    () -> http.send(post(http, url), "test", control(base), early));
        }

        assertThat(without).as("refused without an early connection").isNotNull();
        assertThat(with).as("refused with one").isNotNull();
        assertThat(with.kind()).isEqualTo(without.kind());
        assertThat(with.error()).isEqualTo(without.error());
    }

    @Test
    void theHeadersTimeLimitEndsAWaitForAnEarlyConnectThatHangs() throws Exception {
        // a listener whose accept queue is full and never served: the kernel drops further SYNs, so a connect
        // to it hangs (retried after 1 s, 3 s, ...) until the connect timeout
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket();
                    try {
                        socket.connect(full.getLocalSocketAddress(), 200);
                        filling.add(socket);
                    } catch (IOException e) {
                        socket.close();
                        break;
                    }
                }
                String base = "http://127.0.0.1:" + full.getLocalPort();
                String url = base + "/v1/chat/completions";
                UpstreamHttp http = started.add(new UpstreamHttp(Duration.ofSeconds(30), Duration.ofMillis(300)));
                long start = System.nanoTime();
                try (UpstreamHttp.EarlyConnection early = http.connectEarly(url)) {
                    assertThatThrownBy(() -> http.send(post(http, url), "test", control(base), early))
                            .isInstanceOf(UpstreamException.class)
                            .hasMessageContaining("no response headers within");
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("ended by the headers' limit, not the"
                        + " 30 s connect timeout").isLessThan(BOUND);
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void noEarlyConnectionWhenTheClientGoesThroughAProxy() {
        String before = System.getProperty("http.proxyHost");
        System.setProperty("http.proxyHost", "127.0.0.1");
        try {
            UpstreamHttp http = http(BOUND);
            assertThat(http.connectEarly("http://127.0.0.1:9/v1/chat/completions"))
                    .isSameAs(UpstreamHttp.EarlyConnection.NONE);
        } finally {
            if (before == null) {
                System.clearProperty("http.proxyHost");
            } else {
                System.setProperty("http.proxyHost", before);
            }
        }
    }

    @Test
    void noEarlyConnectionForTlsOrAnUnparsableUrl() {
        UpstreamHttp http = http(BOUND);
        assertThat(http.connectEarly("https://127.0.0.1:9/v1/chat/completions")).isSameAs(UpstreamHttp.EarlyConnection.NONE);
        assertThat(http.connectEarly("http://exa mple/v1")).isSameAs(UpstreamHttp.EarlyConnection.NONE);
    }
}
