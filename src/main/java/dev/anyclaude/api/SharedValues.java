package dev.anyclaude.api;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Parsed JSON values that requests repeat byte for byte, each parsed once: every request of a Claude Code session
 * sends the same tool list (30 KB and more) and system prompt, and every turn repeats the turns before it. A value
 * is found by the bytes at the place where it starts: the kept values that begin with the same {@value #HEAD}
 * bytes are compared with the bytes there, and one that matches is the value there (a JSON array or object ends
 * where its bytes say), so a found value is neither read nor even tokenised again. Bounded by the bytes it keeps,
 * least recently used out first.
 *
 * <p>The trees handed out are shared by every request that sent those bytes, so nothing may change them; the
 * gateway copies a tree before it changes one (the model rename, the forced stream flag, a schema's cleanup).
 */
final class SharedValues {

    /**
     * The bytes a value is first looked up by: enough to reach the id in a message that starts with a tool call
     * or a tool result ({@code {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01...}), so that the
     * many such messages of a long session are not all candidates for each other.
     */
    static final int HEAD = 128;
    /** Values compared at most per lookup (kept values that share their first bytes). */
    private static final int CANDIDATES = 16;

    private final int minBytes;
    private final long maxBytes;
    private final LinkedHashMap<Value, Value> values = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Integer, List<Value>> byHead = new HashMap<>();
    private long heldBytes;

    /** A kept value: its JSON and its tree; {@code hash} is of all its bytes, {@code head} of the first ones. */
    record Value(byte[] bytes, JsonNode node, int head, int hash) {

        int length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Value that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * @param minBytes values shorter than this (and than {@link #HEAD}) are not kept: reading them costs about
     *                 what a lookup does
     * @param maxBytes the most bytes of values kept at once
     */
    SharedValues(int minBytes, long maxBytes) {
        this.minBytes = Math.max(minBytes, HEAD);
        this.maxBytes = maxBytes;
    }

    /** The kept value whose bytes are those at {@code body[at...]}, or null. */
    Value find(byte[] body, int at) {
        if (body.length - at < minBytes) {
            return null;
        }
        int head = head(body, at);
        synchronized (this) {
            List<Value> candidates = byHead.get(head);
            if (candidates == null) {
                return null;
            }
            for (int i = candidates.size() - 1, tried = 0; i >= 0 && tried < CANDIDATES; i--, tried++) {
                Value value = candidates.get(i);
                int end = at + value.length();
                if (end <= body.length && Arrays.equals(body, at, end, value.bytes(), 0, value.length())) {
                    values.get(value); // most recently used
                    return value;
                }
            }
            return null;
        }
    }

    /**
     * Keeps {@code node}, read from {@code body[from, to)}, when its length is within bounds; the caller has
     * checked that those bytes are strict UTF-8 without surrogate escapes, so a later request that sends them
     * needs no check of its own there.
     */
    void keep(byte[] body, int from, int to, JsonNode node) {
        int length = to - from;
        if (!keeps(length)) {
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(body, from, length);
        Value value = new Value(Arrays.copyOfRange(body, from, to), node, head(body, from), (int) crc.getValue());
        synchronized (this) {
            if (values.putIfAbsent(value, value) != null) {
                return;
            }
            byHead.computeIfAbsent(value.head(), h -> new ArrayList<>(1)).add(value);
            heldBytes += length;
            Iterator<Value> eldest = values.keySet().iterator();
            while (heldBytes > maxBytes && eldest.hasNext()) {
                Value gone = eldest.next();
                eldest.remove();
                heldBytes -= gone.length();
                List<Value> sameHead = byHead.get(gone.head());
                sameHead.removeIf(v -> v == gone);
                if (sameHead.isEmpty()) {
                    byHead.remove(gone.head());
                }
            }
        }
    }

    /** Whether a value of this many bytes would be kept. */
    boolean keeps(int length) {
        return length >= minBytes && length <= maxBytes;
    }

    synchronized int size() {
        return values.size();
    }

    synchronized long heldBytes() {
        return heldBytes;
    }

    /** The kept values (tests: each must still be the tree of its bytes). */
    synchronized List<Value> kept() {
        return List.copyOf(values.keySet());
    }

    private static int head(byte[] bytes, int at) {
        return Arrays.hashCode(Arrays.copyOfRange(bytes, at, at + HEAD));
    }
}
