package dev.anyclaude.api;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedMemoTest {

    @Test
    void computesOncePerKeyAndNeverHoldsMoreThanItsCapacity() {
        BoundedMemo<Integer, String> memo = new BoundedMemo<>(3);
        AtomicInteger computed = new AtomicInteger();

        assertThat(memo.get(1, k -> "one#" + computed.incrementAndGet())).isEqualTo("one#1");
        assertThat(memo.get(1, k -> "one#" + computed.incrementAndGet())).isEqualTo("one#1");
        assertThat(computed).hasValue(1);

        for (int key = 2; key < 20; key++) {
            memo.get(key, k -> "v" + k);
            assertThat(memo.size()).isLessThanOrEqualTo(3);
        }
        assertThat(memo.get(1, k -> "one#" + computed.incrementAndGet())).as("emptied when full: computed again")
                .isEqualTo("one#2");
    }
}
