package dev.halp.partitioner.util;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoundedCacheTest {

    @Test
    void holdsAtMostItsBoundAndDropsTheLeastRecentlyUsed() {
        BoundedCache<Integer, String> c = new BoundedCache<>("test", 3);
        AtomicInteger builds = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            c.get(i % 7, k -> "v" + k + "#" + builds.incrementAndGet());
            assertEquals(Math.min(3, i + 1), c.size());
        }
        String six = c.get(6, k -> "rebuilt");
        assertEquals("v6#98", six, "a recent entry is kept (built at the 98th call)");
        c.get(4, k -> "four");
        c.get(5, k -> "five");
        c.get(6, k -> "six");
        c.get(0, k -> "zero");
        assertEquals("zero", c.get(0, k -> "again"));
        assertEquals("rebuilt 4", c.get(4, k -> "rebuilt 4"), "the least recently used (4) was dropped");
        assertThrows(IllegalArgumentException.class, () -> new BoundedCache<>("empty", 0));
    }

    @Test
    void theCensusNamesEveryLiveCacheWithItsFullestSizeAndBound() {
        BoundedCache<Integer, Integer> a = new BoundedCache<>("census test", 4);
        BoundedCache<Integer, Integer> b = new BoundedCache<>("census test", 4);
        for (int i = 0; i < 10; i++) {
            a.get(i, k -> k);
        }
        b.get(1, k -> k);
        BoundedCache.Census c = BoundedCache.census().get("census test");
        assertEquals(new BoundedCache.Census(2, 4, 4), c);
        assertEquals(1, b.size());
    }
}
