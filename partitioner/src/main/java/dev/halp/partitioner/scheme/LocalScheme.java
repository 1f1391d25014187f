package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.sim.PlanSimulator;

import java.util.ArrayList;
import java.util.List;

/** The baseline: the host runs every layer on the whole frame; nothing moves. */
public final class LocalScheme implements CollaborationScheme {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public SchemePlan plan(Workload w, Cluster cluster) {
        SegmentPlan plan = localPlan(w, cluster.size());
        var timeline = new PlanSimulator(cluster, false).run(plan, w.tasks());
        return new SchemePlan(name(), w, plan, timeline, timeline.makespan());
    }

    /** One block over all layers, computed by the host as a single zone. */
    static SegmentPlan localPlan(Workload w, int secondaries) {
        return localPlan(w.model(), w.height(), w.width(), secondaries,
                List.of(new FusedBlock(0, w.model().features().size())));
    }

    /** Every block of {@code blocks} computed whole by the host (the job may run Local over several stages). */
    public static SegmentPlan localPlan(ModelSpec model, int height, int width, int secondaries,
                                        List<FusedBlock> blocks) {
        int[] heights = model.heights(height);
        List<BlockPlan> plans = new ArrayList<>();
        for (FusedBlock b : blocks) {
            plans.add(new BlockPlan(b, List.of(new Piece(Participant.HOST, RowRange.of(0, heights[b.last()])))));
        }
        return new SegmentPlan(model, height, width, secondaries, plans).validate();
    }

    /** The host's time for the workload's tasks, one after another. */
    static double localMs(Workload w, Cluster cluster) {
        int[] h = w.model().heights(w.height());
        return w.tasks() * cluster.host().times(w.model(), w.height(), w.width(), 1)
                .millis(w.model(), h, 0, w.model().features().size());
    }
}
