package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.RowRange;

/**
 * The receptive-field arithmetic of one fused block at one frame height, tabulated once so that planners
 * and the simulator answer "which input rows" and "how long" for any output rows {@code [s, e)} without
 * building slice programs. Windows are separable: for every layer of the block, the first input row an
 * output range reads depends only on {@code s} and the end only on {@code e}, so the explicitly padded
 * rows a layer runs on are {@code hi[layer][e] - lo[layer][s]} (equal to
 * {@link dev.halp.partitioner.rf.LayerStep#paddedRows()} of the block's slice program). Nothing here depends on
 * how rows are shared, so one table serves every layout of the block.
 */
public final class BlockRows {

    private final int first;
    private final int[] heights;
    private final int outRows;
    private final int inRows;
    /** {@code lo[i][s]}: unclipped first input row of layer {@code first + i} for output rows starting at s. */
    private final int[][] lo;
    /** {@code hi[i][e]}: unclipped input end of layer {@code first + i} for output rows ending at e. */
    private final int[][] hi;

    BlockRows(ModelSpec model, int[] heights, int first, int last) {
        this.first = first;
        this.heights = heights;
        this.outRows = heights[last];
        this.inRows = heights[first];
        int n = last - first;
        lo = new int[n][outRows + 1];
        hi = new int[n][outRows + 1];
        // the layers' own windows (LayerSpec.inputWindow, as slice programs use them) of one-row ranges:
        // a window's start depends only on the first output row, its end only on the last
        for (int s = 0; s < outRows; s++) {
            int cur = s;
            for (int l = last - 1; l >= first; l--) {
                int w = model.features().get(l).inputWindow(RowRange.of(cur, cur + 1)).lo();
                lo[l - first][s] = w;
                cur = Math.max(0, w);
            }
        }
        for (int e = 1; e <= outRows; e++) {
            int cur = e;
            for (int l = last - 1; l >= first; l--) {
                int w = model.features().get(l).inputWindow(RowRange.of(cur - 1, cur)).hi();
                hi[l - first][e] = w;
                cur = Math.min(heights[l], w);
            }
        }
    }

    public int outputRows() {
        return outRows;
    }

    /** First block input row that output rows starting at {@code s} read. */
    public int needStart(int s) {
        return Math.max(0, lo[0][s]);
    }

    /** End of the block input rows that output rows ending at {@code e} (exclusive) read. */
    public int needEnd(int e) {
        return Math.min(inRows, hi[0][e]);
    }

    /** Block input rows that output rows {@code [s, e)} read ({@code s < e}). */
    public RowRange need(int s, int e) {
        return RowRange.of(needStart(s), needEnd(e));
    }

    /**
     * Padded rows layer {@code layer} (of this block) runs on for the block's output rows {@code [s, e)}. A
     * block's windows do not depend on where it starts, so the table of {@code [0, last)} answers every
     * block that ends at {@code last}.
     */
    public int layerRows(int layer, int s, int e) {
        return hi[layer - first][e] - lo[layer - first][s];
    }

    /** First input row of layer {@code layer} (of this block) that output rows starting at {@code s} read. */
    public int needStart(int layer, int s) {
        return Math.max(0, lo[layer - first][s]);
    }

    /** End of the input rows of layer {@code layer} (of this block) that output rows ending at {@code e} read. */
    public int needEnd(int layer, int e) {
        return Math.min(heights[layer], hi[layer - first][e]);
    }

    /** Time of output rows {@code [s, e)} in one pass; zero for no rows. */
    public double millis(LayerTimes lt, int s, int e) {
        if (e <= s) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < lo.length; i++) {
            sum += lt.millis(first + i, hi[i][e] - lo[i][s]);
        }
        return sum;
    }

    /**
     * The border pass of output rows {@code [s, e)} after the interior {@code [is, ie)}: per layer the rows
     * the interior pass did not compute, plus each layer's fixed cost again (its time on one row).
     */
    public double borderMillis(LayerTimes lt, int s, int e, int is, int ie) {
        double sum = 0;
        for (int i = 0; i < lo.length; i++) {
            int layer = first + i;
            double extra = lt.millis(layer, hi[i][e] - lo[i][s]) - lt.millis(layer, hi[i][ie] - lo[i][is]);
            sum += Math.max(0, extra) + lt.millis(layer, 1);
        }
        return sum;
    }
}
