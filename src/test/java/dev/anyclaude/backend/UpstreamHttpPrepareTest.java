package dev.anyclaude.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link UpstreamHttp#prepare}: the client made ahead of the first request, and never after close. */
class UpstreamHttpPrepareTest {

    @Test
    void prepareMakesTheClientOnce() {
        try (UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            assertThat(http.prepared()).as("made before prepare").isFalse();

            http.prepare(java.util.List.of());
            assertThat(http.prepared()).isTrue();
            http.prepare(java.util.List.of());
            assertThat(http.prepared()).isTrue();
        }
    }

    @Test
    void prepareAfterCloseMakesNothing() {
        UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1));

        http.close();
        http.prepare(java.util.List.of());

        assertThat(http.prepared()).as("a client made by a prepare after close").isFalse();
    }
}
