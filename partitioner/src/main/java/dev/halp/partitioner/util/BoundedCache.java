package dev.halp.partitioner.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * A memo with a fixed number of entries: the least recently used one goes when a new one would exceed the
 * bound. For values that are cheap to build again and keyed by something that can take unboundedly many values
 * in a long-running job (frame sizes, shares that change with online re-planning). Thread-safe.
 */
public final class BoundedCache<K, V> {

    /** Every cache alive in this process, for {@link #census()}; weakly held, so a closed operator's go. */
    private static final Set<BoundedCache<?, ?>> LIVE = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private final String name;
    private final int maxEntries;
    private final Map<K, V> entries;

    /** {@code name}: what it holds, as {@link #census()} reports it. */
    public BoundedCache(String name, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a cache needs room for at least one entry, got " + maxEntries);
        }
        this.name = name;
        this.maxEntries = maxEntries;
        LIVE.add(this);
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

    /** One kind of cache in this process: how many there are, the fullest one's entries, and the bound. */
    public record Census(int instances, int largest, int bound) {
    }

    /** Every live cache of this process by name, so a long run can show that each stayed within its bound. */
    public static Map<String, Census> census() {
        List<BoundedCache<?, ?>> live;
        synchronized (LIVE) {
            live = new ArrayList<>(LIVE);
        }
        Map<String, Census> byName = new TreeMap<>();
        for (BoundedCache<?, ?> c : live) {
            Census old = byName.get(c.name);
            byName.put(c.name, old == null ? new Census(1, c.size(), c.maxEntries)
                    : new Census(old.instances + 1, Math.max(old.largest, c.size()), Math.max(old.bound, c.maxEntries)));
        }
        return byName;
    }
}
