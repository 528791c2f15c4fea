package dev.anyclaude.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Watchdog}'s own thread: a closed watchdog leaves none behind. */
class WatchdogTest {

    @Test
    void closingEndsTheWatchingThreadBeforeItReturns() {
        Watchdog watchdog = Watchdog.start(Duration.ofSeconds(30)); // a period far longer than the test
        assertThat(watchdog.running()).isTrue();

        watchdog.close();

        assertThat(watchdog.running()).as("the watching thread, once close has returned").isFalse();
    }

    @Test
    void aManualWatchdogHasNoThread() {
        Watchdog watchdog = Watchdog.manual(Ticker.system(), Pauser.WAIT);
        assertThat(watchdog.running()).isFalse();
        watchdog.close();
    }
}
