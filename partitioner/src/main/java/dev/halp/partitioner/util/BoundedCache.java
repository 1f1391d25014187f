package dev.halp.partitioner.util;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A memo with a fixed number of entries: the least recently used one goes when a new one would exceed the
 * bound. For values that are cheap to build again and keyed by something that can take unboundedly many values
 * in a long-running job (frame sizes, shares that change with online re-planning). Thread-safe.
 */
public final class BoundedCache<K, V> {

    private final int maxEntries;
    private final Map<K, V> entries;

    public BoundedCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a cache needs room for at least one entry, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.maxEntries;
            }
        };
    }

    /** The value of {@code key}, built by {@code build} (outside the lock) when it is not held. */
    public V get(K key, Function<? super K, ? extends V> build) {
        synchronized (entries) {
            V v = entries.get(key);
            if (v != null) {
                return v;
            }
        }
        V built = build.apply(key);
        synchronized (entries) {
            V raced = entries.putIfAbsent(key, built);
            return raced != null ? raced : built;
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public int maxEntries() {
        return maxEntries;
    }
}
