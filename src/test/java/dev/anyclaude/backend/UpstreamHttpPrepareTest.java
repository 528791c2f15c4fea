package dev.anyclaude.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link UpstreamHttp#prepare}: the client made ahead of the first request, and never after close. */
class UpstreamHttpPrepareTest {

    private static Set<Thread> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().endsWith("SelectorManager"))
                .collect(Collectors.toSet());
    }

    @Test
    void prepareMakesTheClientAndCloseStopsIt() throws InterruptedException {
        Set<Thread> before = selectorThreads();
        UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1));

        http.prepare();
        http.prepare();
        List<Thread> made = selectorThreads().stream().filter(t -> !before.contains(t)).toList();
        assertThat(made).as("one client, made once").hasSize(1);

        http.close();
        made.getFirst().join(Duration.ofSeconds(10));
        assertThat(made.getFirst().isAlive()).as("the client's selector thread after close").isFalse();
    }

    @Test
    void prepareAfterCloseMakesNothing() {
        Set<Thread> before = selectorThreads();
        UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1));

        http.close();
        http.prepare();

        assertThat(selectorThreads().stream().filter(t -> !before.contains(t)).toList())
                .as("selector threads started by a prepare after close").isEmpty();
    }
}
