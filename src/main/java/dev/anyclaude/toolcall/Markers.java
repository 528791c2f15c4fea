package dev.anyclaude.toolcall;

import java.util.Collection;

/** Finding markers in streamed text, and how much of it is safe to hand on before more arrives. */
public final class Markers {
    private Markers() {
    }

    /** Where the earliest of {@code markers} occurs at or after {@code from}, or null. */
    public static Match earliest(CharSequence text, int from, Collection<String> markers) {
        Match best = null;
        for (String marker : markers) {
            int at = Scanning.indexOf(text, marker, from);
            if (at >= 0 && (best == null || at < best.index || (at == best.index && marker.length() > best.marker.length()))) {
                best = new Match(at, marker);
            }
        }
        return best;
    }

    /**
     * The length of {@code text} that can be handed on now: all of it but the longest suffix that is a
     * proper prefix of one of {@code markers} (it may become that marker with the next chunk). Never splits
     * a surrogate pair.
     */
    public static int safeLength(CharSequence text, Collection<String> markers) {
        int length = text.length();
        int held = 0;
        for (String marker : markers) {
            int max = Math.min(marker.length() - 1, length);
            for (int k = max; k > held; k--) {
                if (endsWithPrefix(text, marker, k)) {
                    held = k;
                    break;
                }
            }
        }
        int safe = length - held;
        if (safe > 0 && Character.isHighSurrogate(text.charAt(safe - 1))) {
            safe--;
        }
        return safe;
    }

    private static boolean endsWithPrefix(CharSequence text, String marker, int k) {
        int start = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(start + i) != marker.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public record Match(int index, String marker) {
        public int end() {
            return index + marker.length();
        }
    }
}
