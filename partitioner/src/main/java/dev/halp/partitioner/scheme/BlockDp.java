package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.ProportionalSplit;
import dev.halp.partitioner.sim.BlockRows;
import dev.halp.partitioner.sim.RowCache;

import java.util.ArrayList;
import java.util.List;

/**
 * Fused-block boundaries by dynamic programming over layers (the authors' DPFP idea): a block may end
 * wherever MoDNN's per-layer cut may; a block's cost is its slowest participant's computation of its
 * share (halo rows included, which grow with the block's depth) plus the time the host's link needs to
 * move the halo rows into the block (the frame rows for the first block), weighted by a link factor (how
 * much of an exchange is not hidden behind interior-first computation). The optimum of the sum trades
 * recomputed halo rows (long blocks) against exchanges (short blocks). Overlap of links and devices is
 * left to the simulator, which judges the result. Receptive fields come from the shared
 * {@link RowCache} tables, so a block's cost needs no slice program.
 */
final class BlockDp {

    private BlockDp() {
    }

    /** Blocks minimising the summed block costs for rows shared by {@code weights} (host first). */
    static List<FusedBlock> choose(Workload w, Cluster cluster, double[] weights) {
        LayerTimes[] times = new LayerTimes[weights.length];
        for (int p = 0; p < weights.length; p++) {
            times[p] = (p == 0 ? cluster.host() : cluster.secondaries().get(p - 1))
                    .times(w.model(), w.height(), w.width(), 1);
        }
        return choose(w, cluster, times, weights, List.of(new Weighting(1, 0))).get(0);
    }

    /**
     * How a block's cost is summed: its compute, plus {@code linkFactor} times its exchange's link time, plus
     * {@code blockMs} for being a block at all (what an exchange costs beyond the link: the slowest participant
     * sets every block's start, and each hop through the stream processor has a fixed cost). A larger
     * {@code blockMs} gives fewer, longer blocks.
     */
    record Weighting(double linkFactor, double blockMs) { }

    /**
     * One block list per weighting ({@code times}: every participant's layer times, host first), in the
     * weightings' order (equal lists repeated); the block costs are computed once for all weightings.
     */
    static List<List<FusedBlock>> choose(Workload w, Cluster cluster, LayerTimes[] times, double[] weights,
                                         List<Weighting> weightings) {
        ModelSpec model = w.model();
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        FusedBlocks.perLayer(model).forEach(b -> cuts.add(b.last()));
        int m = cuts.size();
        int[] heights = model.heights(w.height());
        int[] widths = model.widths(w.width());
        int[] channels = model.channels();
        RowCache rf = RowCache.of(model, w.height());
        int n = weights.length;
        Link[] links = new Link[n];
        for (int p = 1; p < n; p++) {
            links[p] = cluster.network().link(p - 1);
        }
        // cumulative share boundaries of every cut's rows: bounds[c][p] .. bounds[c][p + 1] is p's share
        int[][] bounds = new int[m][];
        for (int c = 0; c < m; c++) {
            bounds[c] = split(heights[cuts.get(c)], weights);
        }
        double[][] compute = new double[m][m];
        double[][] link = new double[m][m];
        long[] rowBytes = new long[m];
        for (int i = 0; i < m; i++) {
            int first = cuts.get(i);
            rowBytes[i] = (long) channels[first] * widths[first]
                    * (first == 0 ? cluster.frameBytesPerValue() : cluster.bytesPerValue());
        }
        // busy[i][p]: participant p's time on its share of the block [cuts[i], cuts[j]), for the current j
        double[][] busy = new double[m][n];
        for (int j = 1; j < m; j++) {
            int last = cuts.get(j);
            // a block's windows depend only on where it ends: one table, suffix sums over its layers
            BlockRows rows = rf.block(0, last);
            int[] out = bounds[j];
            for (int p = 0; p < n; p++) {
                int s = out[p];
                int e = out[p + 1];
                double suffix = 0;
                int l = last;
                for (int i = j - 1; i >= 0; i--) {
                    if (e > s) {
                        for (int first = cuts.get(i); l > first; ) {
                            l--;
                            suffix += times[p].millis(l, rows.layerRows(l, s, e));
                        }
                    }
                    busy[i][p] = suffix;
                }
            }
            for (int i = 0; i < j; i++) {
                int first = cuts.get(i);
                int[] in = bounds[i];
                double c = 0;
                double move = 0;
                for (int p = 0; p < n; p++) {
                    c = Math.max(c, busy[i][p]);
                    int s = out[p];
                    int e = out[p + 1];
                    if (p == 0 || e <= s) {
                        continue;
                    }
                    int ns = rows.needStart(first, s);
                    int ne = rows.needEnd(first, e);
                    int missing = ne - ns;
                    if (first > 0) {
                        missing -= Math.max(0, Math.min(ne, in[p + 1]) - Math.max(ns, in[p]));
                    }
                    if (missing > 0) {
                        move += links[p].serialisationMillis(rowBytes[i] * missing) + links[p].latencyMs();
                    }
                }
                compute[i][j] = c;
                link[i][j] = move;
            }
        }
        List<List<FusedBlock>> lists = new ArrayList<>(weightings.size());
        double[] best = new double[m];
        int[] from = new int[m];
        for (Weighting weighting : weightings) {
            for (int j = 1; j < m; j++) {
                best[j] = Double.POSITIVE_INFINITY;
                for (int i = 0; i < j; i++) {
                    double c = best[i] + compute[i][j] + weighting.linkFactor() * link[i][j] + weighting.blockMs();
                    if (c < best[j] - 1e-9) { // near ties (rounding): the longer block
                        best[j] = c;
                        from[j] = i;
                    }
                }
            }
            List<Integer> ends = new ArrayList<>();
            for (int j = m - 1; j > 0; j = from[j]) {
                ends.add(0, cuts.get(j));
            }
            lists.add(FusedBlocks.fromEnds(model, ends));
        }
        return lists;
    }

    /** Share boundaries: participant p gets {@code [b[p], b[p+1])}. */
    static int[] split(int rows, double[] weights) {
        int[] t = ProportionalSplit.targets(rows, weights);
        int[] b = new int[weights.length + 1];
        System.arraycopy(t, 0, b, 1, t.length);
        b[weights.length] = rows;
        return b;
    }
}
