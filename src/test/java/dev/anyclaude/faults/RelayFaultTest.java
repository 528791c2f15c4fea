package dev.anyclaude.faults;

import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.LiveStream;
import dev.anyclaude.testing.ManualClock;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte relay to Anthropic gets the same guarantees as decoded streams: keep-alive, cancellation, deadlines. */
class RelayFaultTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private FakeUpstream fake;
    private GatewayUnderTest gateway;
    private Watchdog watchdog;
    private byte[] started;

    @BeforeEach
    void start() {
        started = AnthropicSse.message("claude-sonnet-4-5").text("Hello").bytes();
        fake = FakeUpstream.start(r -> Reply.sse(started).withHoldAt(started.length));
        watchdog = clock.watchdog();
        gateway = GatewayUnderTest.start(GatewayConfig.of(fake.baseUrl(), Protocol.ANTHROPIC).withRelay(true)
                .withResilience(Resilience.NONE), Map.of(), watchdog);
    }

    @AfterEach
    void stop() {
        gateway.close();
        fake.close();
    }

    @Test
    void aClientThatLeavesASilentRelayedStreamCancelsTheUpstreamWithinASecond() throws Exception {
        LiveStream live = LiveStream.post(gateway.port(), FaultInjectionTest.request(true));
        live.await(e -> e.data().contains("Hello"), PROMPTLY);

        long left = System.nanoTime();
        live.close();
        fake.awaitOpenConnectionsAtMost(0, Duration.ofSeconds(5));

        assertThat(Duration.ofNanos(System.nanoTime() - left)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aSilentRelayedStreamGetsPingsBetweenWholeEventsAndEndsAtTheIdleDeadline() throws Exception {
        try (LiveStream live = LiveStream.post(gateway.port(), FaultInjectionTest.request(true))) {
            live.await(e -> e.data().contains("Hello"), PROMPTLY);
            live.awaitEvent("ping", PROMPTLY);

            clock.advance(gateway.server().config().deadlines().idle().plusSeconds(1));
            watchdog.checkNow();

            RawHttp.Response response = live.finish(PROMPTLY);
            // the relayed bytes first, unchanged, then pings and the error; the stream is valid
            assertThat(response.text()).startsWith(new String(started, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(response.stream().errored()).isTrue();
            assertThat(response.stream().named("error").getFirst().json().get("error").get("message").asString())
                    .contains("idle deadline");
        }
        fake.awaitOpenConnectionsAtMost(0, PROMPTLY);
    }
}
