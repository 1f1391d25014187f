package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fused-block boundaries by dynamic programming over layers (the authors' DPFP idea): a block may end
 * wherever MoDNN's per-layer cut may; a block's cost is its slowest participant's computation of its
 * share (halo rows included, which grow with the block's depth) plus the time the host's link needs to
 * move the halo rows into the block (the frame rows for the first block). The optimum of the sum trades
 * recomputed halo rows (long blocks) against exchanges (short blocks). Overlap of links and devices is
 * left to the simulator, which judges the result.
 */
final class BlockDp {

    private BlockDp() {
    }

    /**
     * Blocks minimising the summed block costs for rows shared by {@code weights} (host first);
     * {@code programs} memoises slice programs across calls for the same model and frame height.
     */
    static List<FusedBlock> choose(Workload w, Cluster cluster, double[] weights, Map<Long, List<LayerStep>> programs) {
        ModelSpec model = w.model();
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        FusedBlocks.perLayer(model).forEach(b -> cuts.add(b.last()));
        int m = cuts.size();
        int[] heights = model.heights(w.height());
        LayerTimes[] times = new LayerTimes[weights.length];
        for (int p = 0; p < weights.length; p++) {
            var device = p == 0 ? cluster.host() : cluster.secondaries().get(p - 1);
            times[p] = device.times(model, w.height(), w.width(), 1);
        }
        double[] best = new double[m];
        int[] from = new int[m];
        for (int j = 1; j < m; j++) {
            best[j] = Double.POSITIVE_INFINITY;
            for (int i = 0; i < j; i++) {
                double c = best[i] + cost(w, cluster, heights, times, weights, cuts.get(i), cuts.get(j), programs);
                if (c < best[j]) {
                    best[j] = c;
                    from[j] = i;
                }
            }
        }
        List<Integer> ends = new ArrayList<>();
        for (int j = m - 1; j > 0; j = from[j]) {
            ends.add(0, cuts.get(j));
        }
        return FusedBlocks.fromEnds(model, ends);
    }

    private static double cost(Workload w, Cluster cluster, int[] heights, LayerTimes[] times, double[] weights,
                               int first, int last, Map<Long, List<LayerStep>> programs) {
        ModelSpec model = w.model();
        List<Piece> out = ModnnScheme.split(heights[last], weights);
        List<Piece> in = ModnnScheme.split(heights[first], weights);
        long rowBytes = (long) model.channels()[first] * model.widths(w.width())[first]
                * (first == 0 ? cluster.frameBytesPerValue() : cluster.bytesPerValue());
        double compute = 0;
        double link = 0;
        for (Piece piece : out) {
            long key = ((long) first << 48) | ((long) last << 32) | ((long) piece.rows().start() << 16) | piece.rows().end();
            var program = programs.computeIfAbsent(key, k -> ReceptiveField.program(model, heights, first, last,
                    piece.rows()));
            int p = piece.isZone() ? 0 : piece.owner().index() + 1;
            compute = Math.max(compute, times[p].millis(program));
            if (piece.isZone()) {
                continue;
            }
            RowRange need = program.get(0).inputRows();
            RowRange own = first == 0 ? RowRange.EMPTY : in.stream().filter(q -> q.owner().equals(piece.owner()))
                    .map(Piece::rows).findFirst().orElse(RowRange.EMPTY);
            int missing = need.size() - need.intersect(own).size();
            var l = cluster.network().link(piece.owner().index());
            link += l.serialisationMillis(rowBytes * missing) + (missing > 0 ? l.latencyMs() : 0);
        }
        return compute + link;
    }
}
