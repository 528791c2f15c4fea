package dev.anyclaude.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartedTest {

    private final List<String> closed = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closed.add(name);
    }

    @Test
    void resourcesCloseInTheOrderGivenAndNullsAreSkipped() {
        Resources.closeInOrder(named("gateway"), null, named("upstream"));
        assertThat(closed).containsExactly("gateway", "upstream");
    }

    @Test
    void everyResourceClosesEvenWhenOthersFailAndTheFirstFailureIsThrownWithTheRest() {
        AutoCloseable checking = () -> {
            closed.add("checking");
            throw new AssertionError("an invalid stream");
        };
        AutoCloseable broken = () -> {
            closed.add("broken");
            throw new IOException("socket");
        };

        assertThatThrownBy(() -> Resources.closeInOrder(checking, broken, named("last")))
                .isInstanceOf(AssertionError.class).hasMessage("an invalid stream")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(IOException.class));
        assertThat(closed).containsExactly("checking", "broken", "last");
    }

    @Test
    void aCheckedFailureAloneIsWrapped() {
        AutoCloseable broken = () -> {
            throw new IOException("socket");
        };
        assertThatThrownBy(() -> Resources.closeInOrder(broken)).isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void startedThingsCloseNewestFirstAndOnlyOnce() {
        Started started = new Started();
        AutoCloseable upstream = started.add(named("upstream"));
        started.add(named("gateway"));

        started.close();
        started.close();

        assertThat(upstream).isNotNull();
        assertThat(closed).containsExactly("gateway", "upstream");
    }
}
