package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast marker search gives the same answers as {@link Markers}. */
class MarkerSetTest {

    private static final List<String> MARKERS = List.of("<tool_call>", "<tool_calls>", "<|tool_call|>", "[TOOL_CALLS]",
            "```", "<think>", "</think>", "functools", "<\uFF5Ctool\u2581calls\u2581begin\uFF5C>");

    @Test
    void agreesWithMarkersOnRandomText() {
        MarkerSet set = new MarkerSet(MARKERS);
        String alphabet = "<>|_[]`/toolcalsTOLCAfunthink \uFF5C\u2581begin";
        Random random = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(16);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                text.insert(random.nextInt(text.length() + 1), MARKERS.get(random.nextInt(MARKERS.size())));
            }
            Markers.Match expected = Markers.earliest(text, 0, MARKERS);
            assertThat(set.earliest(text, 0)).as("earliest in %s", text).isEqualTo(expected);
            if (expected == null) {
                assertThat(set.safeLength(text)).as("safe length of %s", text)
                        .isEqualTo(Markers.safeLength(text, MARKERS));
            }
        }
    }

    @Test
    void holdsAPossibleMarkerAtTheEndOnly() {
        MarkerSet set = new MarkerSet(MARKERS);
        assertThat(set.safeLength("hello <tool_ca")).isEqualTo(6);
        assertThat(set.safeLength("a < b")).isEqualTo(5);
        assertThat(set.safeLength("x fun")).isEqualTo(2);
        assertThat(set.mayContain("plain words")).isFalse();
        assertThat(set.mayContain("a <b>")).isTrue();
    }
}
