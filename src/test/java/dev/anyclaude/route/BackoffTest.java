package dev.anyclaude.route;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), new Random(1));

    @Test
    void ceilingsDoubleUpToTheMaximum() {
        assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.ceiling(1000)).as("no overflow").isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void waitsAreSpreadOverTheWholeRange() {
        Duration shortest = Duration.ofDays(1);
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 2000; i++) {
            Duration d = backoff.delay(2);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(2));
            shortest = d.compareTo(shortest) < 0 ? d : shortest;
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        assertThat(shortest).isLessThan(Duration.ofMillis(100));
        assertThat(longest).isGreaterThan(Duration.ofMillis(1900));
    }
}
