package dev.anyclaude.route;

import java.time.Duration;

/** Waits written for people: "350 ms", "7 s", "1.5 s", "2 min". */
final class Waits {
    private Waits() {
    }

    static String human(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis % 1000 != 0 && millis < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long s = d.toSeconds();
        return s < 120 || s % 60 != 0 ? s + " s" : s / 60 + " min";
    }
}
