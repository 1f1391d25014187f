package dev.halp.partitioner.util;

import java.util.function.IntPredicate;

/** Binary search over rows for predicates that, once true, stay true (receptive fields grow with rows). */
public final class MonotoneSearch {

    private MonotoneSearch() {
    }

    /** The first value in {@code [lo, hi)} where a monotone predicate holds, or {@code hi}. */
    public static int first(int lo, int hi, IntPredicate p) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.test(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
