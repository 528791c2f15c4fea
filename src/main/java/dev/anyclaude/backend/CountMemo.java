package dev.anyclaude.backend;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Token counts of long texts the gateway has counted recently. Every turn of a Claude Code session repeats the
 * system prompt, the tool list and all earlier messages byte for byte, so nearly all of a turn's text was
 * counted on the turn before; a lookup costs a hash and a comparison of the text, the count itself a BPE pass
 * (milliseconds for a 40 KB tool list). Bounded by the characters and the entries it holds, least recently used
 * out first.
 */
final class CountMemo {

    private final int minChars;
    private final long maxChars;
    private final int maxEntries;
    private final ToLongFunction<String> counter;
    private final LinkedHashMap<String, Long> counts = new LinkedHashMap<>(64, 0.75f, true);
    private long heldChars;

    /**
     * @param minChars   texts shorter than this are counted each time (counting them costs about as much as a lookup)
     * @param maxChars   the most characters of text held at once
     * @param maxEntries the most texts held at once (many short ones weigh more than their characters)
     */
    CountMemo(int minChars, long maxChars, int maxEntries, ToLongFunction<String> counter) {
        this.minChars = minChars;
        this.maxChars = maxChars;
        this.maxEntries = maxEntries;
        this.counter = counter;
    }

    long count(String text) {
        if (text.length() < minChars || text.length() > maxChars) {
            return counter.applyAsLong(text);
        }
        text.hashCode(); // computed (and kept in the string) outside the lock
        synchronized (this) {
            Long known = counts.get(text);
            if (known != null) {
                return known;
            }
        }
        long tokens = counter.applyAsLong(text);
        synchronized (this) {
            if (counts.putIfAbsent(text, tokens) == null) {
                heldChars += text.length();
                Iterator<Map.Entry<String, Long>> eldest = counts.entrySet().iterator();
                while ((heldChars > maxChars || counts.size() > maxEntries) && eldest.hasNext()) {
                    heldChars -= eldest.next().getKey().length();
                    eldest.remove();
                }
            }
        }
        return tokens;
    }

    synchronized int size() {
        return counts.size();
    }

    synchronized long heldChars() {
        return heldChars;
    }
}
