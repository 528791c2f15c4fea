package dev.anyclaude.backend;

import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.RecordingResolver;
import io.helidon.webclient.api.Proxy;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream given by its address costs no reverse lookup: with no proxy configured in the JVM, nothing needs
 * the host name of the address. (Helidon's system-proxy path asks for it on every connection; for a LAN server
 * whose address has no name, each of those is a DNS query on the request's path.)
 */
class UpstreamHttpLookupTest {

    @Test
    void callsToAnAddressAskNoNameForIt() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(request -> FakeUpstream.Reply.sse(
                "data: {\"ok\":true}\n\n".getBytes(StandardCharsets.UTF_8)));
             UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(5), Duration.ofSeconds(10))) {
            assertThat(upstream.baseUrl()).startsWith("http://127.0.0.1:");
            int before = RecordingResolver.reverseLookups().size();

            for (int i = 0; i < 3; i++) {
                HttpRequest request = http.request(upstream.baseUrl() + "/v1/chat/completions")
                        .POST(UpstreamHttp.body("{}".getBytes(StandardCharsets.UTF_8))).build();
                HttpResponse<InputStream> response = http.send(request, "test", CallControl.unwatched());
                try (InputStream body = response.body()) {
                    assertThat(body.readAllBytes()).isNotEmpty();
                }
            }

            assertThat(upstream.requests()).hasSize(3);
            assertThat(RecordingResolver.reverseLookups().subList(before, RecordingResolver.reverseLookups().size()))
                    .as("reverse lookups made by three calls").isEmpty();
        }
    }

    @Test
    void theJvmsProxySettingsStillApply() {
        assertThat(UpstreamHttp.proxy().type()).isEqualTo(Proxy.ProxyType.NONE);
        for (String property : List.of("https.proxyHost", "http.proxyHost", "socksProxyHost", "java.net.useSystemProxies")) {
            String before = System.getProperty(property);
            System.setProperty(property, property.equals("java.net.useSystemProxies") ? "true" : "proxy.example");
            try {
                assertThat(UpstreamHttp.proxy().type()).as(property).isEqualTo(Proxy.ProxyType.SYSTEM);
            } finally {
                if (before == null) {
                    System.clearProperty(property);
                } else {
                    System.setProperty(property, before);
                }
            }
        }
    }
}
