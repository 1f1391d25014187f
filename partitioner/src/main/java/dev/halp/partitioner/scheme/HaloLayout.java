package dev.halp.partitioner.scheme;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.ProportionalSplit;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.sim.BlockRows;
import dev.halp.partitioner.sim.RowCache;

import java.util.ArrayList;
import java.util.List;

/**
 * HALP's layout with a host share: {@code Z_top | S_0 | Z | S_1 | ... | S_{N-1}}. Weight 0 is the host's
 * top band (rows the host computes in every block, so a secondary next to it reads only host rows), weights
 * 1..N the secondaries' shares; a zero weight leaves that secondary out. Built backwards from the last
 * block like {@link dev.halp.partitioner.plan.ProportionalSplit}: each zone between two secondaries is
 * exactly the rows both neighbours' next segments need, widened to the weighted boundary, so no secondary
 * reads another's rows and each overlap is computed once, by the host.
 */
final class HaloLayout {

    private HaloLayout() {
    }

    static SegmentPlan plan(ModelSpec model, int height, int width, List<FusedBlock> blocks, double[] weights) {
        return plan(model, height, width, blocks, weights, 0);
    }

    /**
     * With a tail: the last {@code hostTail} blocks run on the host alone (like the head), so the last
     * distributed block needs no zones and ends with the gather; worth it where late blocks have so few rows
     * that zones would be most of them.
     */
    static SegmentPlan plan(ModelSpec model, int height, int width, List<FusedBlock> blocks, double[] weights,
                            int hostTail) {
        int n = weights.length - 1;
        int[] heights = model.heights(height);
        int count = blocks.size() - hostTail;
        if (count < 1) {
            throw new IllegalArgumentException("host tail " + hostTail + " leaves no distributed block");
        }
        BlockPlan[] plans = new BlockPlan[blocks.size()];
        for (int b = count; b < blocks.size(); b++) {
            plans[b] = new BlockPlan(blocks.get(b), List.of(new Piece(Participant.HOST,
                    RowRange.of(0, heights[blocks.get(b).last()]))));
        }
        int lastRows = heights[blocks.get(count - 1).last()];
        int[] t = ProportionalSplit.targets(lastRows, weights);
        int[] ends = java.util.Arrays.copyOfRange(t, 1, n);
        int[] starts = ends.clone();
        plans[count - 1] = layout(blocks.get(count - 1), t[0], ends, starts, lastRows);
        for (int b = count - 2; b >= 0; b--) {
            FusedBlock next = blocks.get(b + 1);
            int rows = heights[blocks.get(b).last()];
            int nextRows = heights[next.last()];
            t = ProportionalSplit.targets(rows, weights);
            int[] newEnds = new int[n - 1];
            int[] newStarts = new int[n - 1];
            BlockRows rf = RowCache.of(model, height).block(next.first(), next.last());
            for (int k = 0; k < n - 1; k++) {
                int hi = ends[k] <= 0 ? 0 : rf.needEnd(ends[k]);
                int lo = starts[k] >= nextRows ? rows : rf.needStart(starts[k]);
                newEnds[k] = Math.min(t[k + 1], lo);
                newStarts[k] = Math.max(t[k + 1], hi);
            }
            ends = newEnds;
            starts = newStarts;
            plans[b] = layout(blocks.get(b), t[0], ends, starts, rows);
        }
        return new SegmentPlan(model, height, width, n, List.of(plans));
    }

    private static BlockPlan layout(FusedBlock block, int hostEnd, int[] ends, int[] starts, int rows) {
        int n = ends.length + 1;
        List<Piece> pieces = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < n; k++) {
            int s = Math.max(next, k == 0 ? hostEnd : starts[k - 1]);
            int e = k == n - 1 ? rows : ends[k];
            if (e <= s) {
                continue;
            }
            addHost(pieces, next, s);
            pieces.add(new Piece(Participant.secondary(k), RowRange.of(s, e)));
            next = e;
        }
        addHost(pieces, next, rows);
        return new BlockPlan(block, pieces);
    }

    private static void addHost(List<Piece> pieces, int from, int to) {
        if (to > from) {
            pieces.add(new Piece(Participant.HOST, RowRange.of(from, to)));
        }
    }
}
