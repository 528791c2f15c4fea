package dev.anyclaude.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A thread-safe memo for values that every request of a session repeats (its tool list, each tool's token count),
 * holding at most {@code capacity} entries: when full it is emptied and fills again, which costs one recomputation
 * per entry still in use and keeps a client that invents keys from growing it.
 */
public final class BoundedMemo<K, V> {
    private final int capacity;
    private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();

    public BoundedMemo(int capacity) {
        this.capacity = capacity;
    }

    /** The value remembered for {@code key}, else {@code compute}'s, remembered. */
    public V get(K key, Function<? super K, ? extends V> compute) {
        if (entries.size() >= capacity) {
            entries.clear();
        }
        return entries.computeIfAbsent(key, compute);
    }

    /** Entries remembered now. */
    public int size() {
        return entries.size();
    }
}
