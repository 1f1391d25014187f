package dev.halp.partitioner.plan;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A valid HALP layout with segment sizes proportional to given weights (equal weights: an equal split).
 * In every block the boundary between secondary {@code k} and {@code k+1} sits at the weighted row
 * position; the host's zone around it is exactly the rows that both neighbours' next segments would need
 * (the overlapping zone), so no secondary ever reads another secondary's rows and each overlap is computed
 * once, on the host.
 *
 * <p>Built backwards from the last block, whose segments meet without zones: for each boundary the zone
 * of block {@code b} is {@code [min(t, lo), max(t, hi))} where {@code t} is the target boundary, {@code lo}
 * the first row the lower segment of block {@code b+1} needs and {@code hi} the end of the rows the upper
 * segment needs. A secondary whose share is swallowed by zones gets no rows in that block.
 */
public final class ProportionalSplit {

    private ProportionalSplit() {
    }

    public static SegmentPlan equal(ModelSpec model, int height, int width, List<FusedBlock> blocks,
                                    int secondaries) {
        if (secondaries < 1) {
            throw new IllegalArgumentException("secondaries must be at least 1, got " + secondaries);
        }
        double[] weights = new double[secondaries];
        Arrays.fill(weights, 1.0);
        return plan(model, height, width, blocks, weights);
    }

    /** Segments sized in proportion to {@code weights} (one per secondary, all positive). */
    public static SegmentPlan plan(ModelSpec model, int height, int width, List<FusedBlock> blocks,
                                   double[] weights) {
        int n = weights.length;
        for (double w : weights) {
            if (!(w > 0)) {
                throw new IllegalArgumentException("weights must be positive: " + Arrays.toString(weights));
            }
        }
        int[] heights = model.heights(height);
        int count = blocks.size();
        BlockPlan[] plans = new BlockPlan[count];
        // zone [ends[k], starts[k]) separates secondary k from k+1
        int[] ends = targets(heights[blocks.get(count - 1).last()], weights);
        int[] starts = ends.clone();
        plans[count - 1] = layout(blocks.get(count - 1), ends, starts, heights[blocks.get(count - 1).last()]);
        for (int b = count - 2; b >= 0; b--) {
            FusedBlock next = blocks.get(b + 1);
            int rows = heights[blocks.get(b).last()];
            int nextRows = heights[next.last()];
            int[] t = targets(rows, weights);
            int[] newEnds = new int[n - 1];
            int[] newStarts = new int[n - 1];
            for (int k = 0; k < n - 1; k++) {
                int upperEnd = ends[k];
                int lowerStart = starts[k];
                int hi = upperEnd <= 0 ? 0
                        : ReceptiveField.neededRows(model, heights, next.first(), next.last(),
                        RowRange.of(upperEnd - 1, upperEnd)).end();
                int lo = lowerStart >= nextRows ? rows
                        : ReceptiveField.neededRows(model, heights, next.first(), next.last(),
                        RowRange.of(lowerStart, lowerStart + 1)).start();
                newEnds[k] = Math.min(t[k], lo);
                newStarts[k] = Math.max(t[k], hi);
            }
            ends = newEnds;
            starts = newStarts;
            plans[b] = layout(blocks.get(b), ends, starts, rows);
        }
        return new SegmentPlan(model, height, width, n, List.of(plans)).validate();
    }

    /**
     * Weighted boundary rows between consecutive shares: {@code t[k]} ends share {@code k} (the last share
     * ends at {@code rows}). Non-decreasing; an empty share has equal neighbouring boundaries.
     */
    public static int[] targets(int rows, double[] weights) {
        double total = Arrays.stream(weights).sum();
        int[] t = new int[weights.length - 1];
        double acc = 0;
        for (int k = 0; k < t.length; k++) {
            acc += weights[k];
            t[k] = (int) Math.round(rows * acc / total);
        }
        return t;
    }

    /** Segment {@code k} is {@code [starts[k-1], ends[k])}; every row between segments is a host zone. */
    private static BlockPlan layout(FusedBlock block, int[] ends, int[] starts, int rows) {
        int n = ends.length + 1;
        List<Piece> pieces = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < n; k++) {
            int s = k == 0 ? 0 : starts[k - 1];
            int e = k == n - 1 ? rows : ends[k];
            if (s < next) {
                s = next;
            }
            if (e <= s) {
                continue;
            }
            if (s > next) {
                pieces.add(new Piece(Participant.HOST, RowRange.of(next, s)));
            }
            pieces.add(new Piece(Participant.secondary(k), RowRange.of(s, e)));
            next = e;
        }
        if (next < rows) {
            pieces.add(new Piece(Participant.HOST, RowRange.of(next, rows)));
        }
        return new BlockPlan(block, pieces);
    }
}
