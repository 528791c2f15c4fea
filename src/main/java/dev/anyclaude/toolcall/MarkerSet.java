package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A fixed set of markers searched in streamed text, built once and shared. Same answers as
 * {@link Markers#earliest} and {@link Markers#safeLength}, but text is scanned once for the first
 * characters of markers, so the many openers of {@code auto} cost about as much as one on text that
 * holds none of them.
 */
final class MarkerSet {

    private final BitSet firsts = new BitSet();
    private final Map<Character, String[]> byFirst;
    /** {@link #byFirst} for ASCII first characters, without boxing. */
    private final String[][] ascii = new String[128][];
    private final int longest;

    MarkerSet(Collection<String> markers) {
        Map<Character, List<String>> grouped = new HashMap<>();
        int max = 0;
        for (String marker : new LinkedHashSet<>(markers)) {
            if (marker.isEmpty()) {
                continue;
            }
            firsts.set(marker.charAt(0));
            grouped.computeIfAbsent(marker.charAt(0), c -> new ArrayList<>()).add(marker);
            max = Math.max(max, marker.length());
        }
        byFirst = new HashMap<>();
        // Longest first: at one position the longest marker wins (<tool_calls> over <tool_call).
        grouped.forEach((c, list) -> byFirst.put(c, list.stream()
                .sorted((a, b) -> Integer.compare(b.length(), a.length())).toArray(String[]::new)));
        longest = max;
        byFirst.forEach((c, list) -> {
            if (c < 128) {
                ascii[c] = list;
            }
        });
    }

    private String[] startingWith(char c) {
        return c < 128 ? ascii[c] : byFirst.get(c);
    }

    /** The earliest marker at or after {@code from} (the longest one at that position), or null. */
    Markers.Match earliest(CharSequence text, int from) {
        int length = text.length();
        for (int i = from; i < length; i++) {
            char c = text.charAt(i);
            if (!firsts.get(c)) {
                continue;
            }
            for (String marker : startingWith(c)) {
                if (startsWith(text, i, marker)) {
                    return new Markers.Match(i, marker);
                }
            }
        }
        return null;
    }

    /** Whether any character of {@code text} can start a marker. */
    boolean mayContain(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (firsts.get(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length of {@code text} (which holds no complete marker) that can go out now: all but the longest
     * suffix that is a proper prefix of a marker. Never splits a surrogate pair.
     */
    int safeLength(CharSequence text) {
        int length = text.length();
        int safe = length;
        for (int i = Math.max(0, length - longest + 1); i < length; i++) {
            char c = text.charAt(i);
            if (firsts.get(c) && isMarkerPrefix(text, i)) {
                safe = i;
                break;
            }
        }
        if (safe > 0 && Character.isHighSurrogate(text.charAt(safe - 1))) {
            safe--;
        }
        return safe;
    }

    private boolean isMarkerPrefix(CharSequence text, int from) {
        int k = text.length() - from;
        for (String marker : startingWith(text.charAt(from))) {
            if (marker.length() > k && startsWithPrefix(text, from, marker, k)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(CharSequence text, int at, String marker) {
        return text.length() - at >= marker.length() && startsWithPrefix(text, at, marker, marker.length());
    }

    private static boolean startsWithPrefix(CharSequence text, int at, String marker, int k) {
        for (int j = 0; j < k; j++) {
            if (text.charAt(at + j) != marker.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
