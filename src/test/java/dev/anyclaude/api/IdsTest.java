package dev.anyclaude.api;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void anIdIsItsPrefixAnd24Base62Characters() {
        for (int i = 0; i < 1000; i++) {
            assertThat(Ids.next("msg_")).matches("msg_[0-9A-Za-z]{24}");
            assertThat(Ids.toolUse()).matches("toolu_[0-9A-Za-z]{24}");
        }
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            assertThat(seen.add(Ids.next("req_"))).isTrue();
        }
    }

    /**
     * Each of the 62 characters is as likely as any other: a chi-square test over 480 000 characters (61
     * degrees of freedom; 120 is beyond the 0.0001 tail, while taking every byte modulo 62 would favour the
     * first eight characters by a quarter and score in the thousands).
     */
    @Test
    void everyCharacterIsEquallyLikely() {
        long[] counts = new long[ALPHABET.length()];
        int ids = 20_000;
        for (int i = 0; i < ids; i++) {
            String id = Ids.next("");
            for (int j = 0; j < id.length(); j++) {
                counts[ALPHABET.indexOf(id.charAt(j))]++;
            }
        }
        double expected = ids * 24.0 / ALPHABET.length();
        double chiSquare = 0;
        for (long count : counts) {
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        assertThat(chiSquare).isLessThan(120);
    }
}
