package dev.halp.partitioner.cost;

import java.util.List;
import java.util.Map;

/**
 * Refuses measured layer tables whose cost per row grows with the rows. The planner assumes that a slice of
 * {@code r} rows costs no more per row than a larger one (fixed costs make small slices dearer per row, which
 * only makes plans cautious). A table where a bigger slice costs much more per row — typically an allocator
 * that returns large activations to the kernel and faults them in again on every layer — makes half a frame
 * look several times cheaper than the whole and predicts speedups no device can give.
 *
 * <p>Checked on layers that take at least {@link #SIGNIFICANT} of the stack's time and at least
 * {@link #MIN_MS} on their largest slice (below that, dispatch and timer noise decide): between any two
 * measured row counts {@code r1 < r2}, the cost per row may grow by at most {@link #TOLERANCE}.
 */
public final class RowLinearity {

    /** Largest accepted growth of the cost per row from a smaller to a larger slice of one layer. */
    public static final double TOLERANCE = 0.5;

    /** Layers below this share of the whole stack's time are not checked. */
    public static final double SIGNIFICANT = 0.02;

    /** Layers whose largest measured slice takes less than this (ms) are not checked. */
    public static final double MIN_MS = 1.0;

    private RowLinearity() {
    }

    /** Throws, naming the first offending layer, unless every significant layer's cost is about linear in rows. */
    public static void check(String profile, String table, List<MeasuredLayer> layers) {
        double stack = layers.stream().mapToDouble(RowLinearity::largest).sum();
        for (MeasuredLayer l : layers) {
            if (largest(l) < SIGNIFICANT * stack || largest(l) < MIN_MS) {
                continue;
            }
            Map.Entry<Integer, Double>[] points = l.msByRows().entrySet().toArray(Map.Entry[]::new);
            for (int i = 0; i < points.length; i++) {
                for (int j = i + 1; j < points.length; j++) {
                    if (points[i].getValue() < MIN_MS / 2) {
                        continue; // a slice timed under half a millisecond is the clock's noise, not a cost per row
                    }
                    double small = points[i].getValue() / points[i].getKey();
                    double big = points[j].getValue() / points[j].getKey();
                    if (big > (1 + TOLERANCE) * small) {
                        throw new IllegalArgumentException(String.format(
                                "profile %s, table %s: layer %d (%s) costs %.1f ms on %d rows but %.1f ms on %d rows, "
                                        + "%.0f%% more per row (tolerance %.0f%%): not linear in rows, so plans made "
                                        + "from it would be wrong (a CPU allocator that returns large tensors to the "
                                        + "kernel does this: see docs/operations.md; so does a stall during a single "
                                        + "timed run: profile again with more --repeats)", profile, table, l.idx(),
                                l.type(), points[i].getValue(), points[i].getKey(), points[j].getValue(),
                                points[j].getKey(), 100 * (big / small - 1), 100 * TOLERANCE));
                    }
                }
            }
        }
    }

    private static double largest(MeasuredLayer l) {
        return l.msByRows().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
