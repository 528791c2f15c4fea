package dev.anyclaude.backend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CountMemoTest {

    private final List<String> counted = new ArrayList<>();

    private CountMemo memo(int minChars, long maxChars) {
        return memo(minChars, maxChars, Integer.MAX_VALUE);
    }

    private CountMemo memo(int minChars, long maxChars, int maxEntries) {
        return new CountMemo(minChars, maxChars, maxEntries, text -> {
            counted.add(text);
            return text.length() / 4;
        });
    }

    @Test
    void aTextSeenBeforeIsNotCountedAgainEvenAsAnotherStringObject() {
        CountMemo memo = memo(8, 1000);
        String tools = "x".repeat(400);

        assertThat(memo.count(tools)).isEqualTo(100);
        assertThat(memo.count(new String(tools.toCharArray()))).isEqualTo(100);
        assertThat(counted).hasSize(1);
    }

    @Test
    void shortTextsAreCountedEachTimeAndNotHeld() {
        CountMemo memo = memo(8, 1000);

        memo.count("short");
        memo.count("short");

        assertThat(counted).hasSize(2);
        assertThat(memo.size()).isZero();
    }

    @Test
    void theLeastRecentlyUsedTextsGoWhenTheCharacterBoundIsPassed() {
        CountMemo memo = memo(8, 300);
        String a = "a".repeat(100);
        String b = "b".repeat(100);
        String c = "c".repeat(100);
        String d = "d".repeat(100);
        memo.count(a);
        memo.count(b);
        memo.count(c);
        memo.count(a); // a is now the most recently used; b the least
        memo.count(d);

        assertThat(memo.heldChars()).isLessThanOrEqualTo(300);
        counted.clear();
        memo.count(a);
        memo.count(c);
        memo.count(d);
        assertThat(counted).isEmpty();
        memo.count(b);
        assertThat(counted).containsExactly(b);
    }

    @Test
    void theLeastRecentlyUsedTextsGoWhenTheEntryBoundIsPassed() {
        CountMemo memo = memo(8, 1_000_000, 3);
        List<String> texts = List.of("first text", "second text", "third text", "fourth text");
        texts.forEach(memo::count);

        assertThat(memo.size()).isEqualTo(3);
        counted.clear();
        memo.count("second text");
        memo.count("third text");
        memo.count("fourth text");
        assertThat(counted).isEmpty();
        memo.count("first text");
        assertThat(counted).containsExactly("first text");
        assertThat(memo.size()).isEqualTo(3);
    }

    @Test
    void aTextLongerThanTheWholeBoundIsCountedWithoutEvictingEverything() {
        CountMemo memo = memo(8, 300);
        String kept = "k".repeat(100);
        memo.count(kept);
        memo.count("z".repeat(1000));

        counted.clear();
        memo.count(kept);
        assertThat(counted).isEmpty();
        assertThat(memo.size()).isEqualTo(1);
    }

    @Test
    void theEstimatorsCountsAreTheSameWithTheMemoAsWithout() {
        String text = "Read the file at src/main/java and tell me what it does. ".repeat(40);
        assertThat(TokenEstimator.count(text)).isEqualTo(TokenEstimator.countUncached(text));
        assertThat(TokenEstimator.count(new String(text.toCharArray()))).isEqualTo(TokenEstimator.countUncached(text));
    }
}
