package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.sim.PlanSimulator;

import java.util.ArrayList;
import java.util.List;

/**
 * MoDNN (Mao et al., DATE 2017) in row form: every layer (with its element-wise followers) is its own
 * block; its output rows are split in proportion to each device's speed (BODP), the host included as the
 * top share; after every layer the host gathers all outputs and scatters each participant the input rows
 * (with halo) it lacks. No planning beyond the proportional split: that is the scheme.
 */
public final class ModnnScheme implements CollaborationScheme {

    @Override
    public String name() {
        return "modnn";
    }

    @Override
    public SchemePlan plan(Workload w, Cluster cluster) {
        SegmentPlan plan = proportional(w, cluster.size(), Speeds.of(w, cluster));
        var timeline = new PlanSimulator(cluster, false).run(plan, w.tasks());
        return Speeds.requireWithinDevices(new SchemePlan(name(), w, plan, timeline, LocalScheme.localMs(w, cluster)),
                w, cluster);
    }

    /** Per-layer blocks, rows in proportion to {@code weights} (host first), exchanged via the host. */
    public static SegmentPlan proportional(Workload w, int secondaries, double[] weights) {
        int[] heights = w.model().heights(w.height());
        List<BlockPlan> blocks = new ArrayList<>();
        for (FusedBlock fb : FusedBlocks.perLayer(w.model())) {
            blocks.add(new BlockPlan(fb, split(heights[fb.last()], weights)));
        }
        return new SegmentPlan(w.model(), w.height(), w.width(), secondaries, blocks,
                SegmentPlan.Exchange.VIA_HOST).validate();
    }

    /** Host rows first, then secondary {@code i}'s; empty shares are left out. */
    static List<Piece> split(int rows, double[] weights) {
        int[] b = BlockDp.split(rows, weights);
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            if (b[i + 1] > b[i]) {
                Participant p = i == 0 ? Participant.HOST : Participant.secondary(i - 1);
                pieces.add(new Piece(p, RowRange.of(b[i], b[i + 1])));
            }
        }
        return pieces;
    }
}
