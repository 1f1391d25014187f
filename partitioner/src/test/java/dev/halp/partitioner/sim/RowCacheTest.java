package dev.halp.partitioner.sim;

import dev.halp.partitioner.model.Models;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receptive-field tables shared by planners stay bounded however many frame heights a process plans. */
class RowCacheTest {

    @Test
    void manyFrameHeightsKeepTheSharedTablesWithinTheirBound() {
        for (int h = 32; h < 32 + 5 * RowCache.MAX_ENTRIES; h++) {
            RowCache c = RowCache.of(Models.tiny(), h);
            assertSame(c, RowCache.of(Models.tiny(), h));
            c.block(0, 2);
            assertTrue(RowCache.cached() <= RowCache.MAX_ENTRIES, RowCache.cached() + " tables at height " + h);
        }
    }
}
