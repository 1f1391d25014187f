package dev.halp.partitioner.plan;

import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Set operations on lists of row ranges. */
public final class RowRanges {

    private RowRanges() {
    }

    /** Sorted, disjoint, non-adjacent ranges covering the same rows. */
    public static List<RowRange> union(List<RowRange> ranges) {
        List<RowRange> sorted = new ArrayList<>(ranges);
        sorted.removeIf(RowRange::isEmpty);
        sorted.sort(Comparator.naturalOrder());
        List<RowRange> out = new ArrayList<>();
        for (RowRange r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() >= r.start()) {
                RowRange last = out.remove(out.size() - 1);
                out.add(RowRange.of(last.start(), Math.max(last.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** Rows of {@code from} not in any of {@code minus}. */
    public static List<RowRange> subtract(List<RowRange> from, List<RowRange> minus) {
        List<RowRange> current = union(from);
        for (RowRange m : minus) {
            current = subtract(current, m);
        }
        return current;
    }

    /** Rows of {@code from} (disjoint ranges) not in {@code minus}, in the same order. */
    public static List<RowRange> subtract(List<RowRange> from, RowRange minus) {
        List<RowRange> next = new ArrayList<>(from.size() + 1);
        for (RowRange r : from) {
            if (!r.overlaps(minus)) {
                next.add(r);
                continue;
            }
            if (r.start() < minus.start()) {
                next.add(RowRange.of(r.start(), minus.start()));
            }
            if (minus.end() < r.end()) {
                next.add(RowRange.of(minus.end(), r.end()));
            }
        }
        return next;
    }

    /** Merges transfers between the same two participants into the fewest ranges, in a stable order. */
    static List<Transfer> mergeTransfers(List<Transfer> transfers) {
        Map<List<Participant>, List<RowRange>> byPair = new LinkedHashMap<>();
        Map<List<Participant>, Integer> block = new LinkedHashMap<>();
        for (Transfer t : transfers) {
            List<Participant> key = List.of(t.from(), t.to());
            byPair.computeIfAbsent(key, k -> new ArrayList<>()).add(t.rows());
            block.put(key, t.block());
        }
        List<Transfer> out = new ArrayList<>();
        byPair.forEach((key, ranges) -> {
            for (RowRange r : union(ranges)) {
                out.add(new Transfer(block.get(key), key.get(0), key.get(1), r));
            }
        });
        return out;
    }
}
