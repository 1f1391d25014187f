package dev.halp.operators.flink;

import dev.halp.operators.exec.StageView;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.util.BoundedCache;

/**
 * The rows each participant computes under a plan, summed over every block and layer: the unit in which
 * edge servers report their speed (milliseconds per row), so a speed and a plan give a time. Cached per spec.
 */
final class PlannedRows {

    private final JobPlans plans;
    private final BoundedCache<PlanSpec, int[]> rows = new BoundedCache<>("planned rows", JobPlans.MAX_PLANS);
    private final BoundedCache<PlanSpec, int[]> lastBlocks = new BoundedCache<>("last blocks", JobPlans.MAX_PLANS);

    PlannedRows(JobPlans plans) {
        this.plans = plans;
    }

    /** Rows per participant number (0 the host). */
    int[] of(PlanSpec spec) {
        return rows.get(spec, this::count);
    }

    int of(PlanSpec spec, int participant) {
        int[] all = of(spec);
        return participant < all.length ? all[participant] : 0;
    }

    /** The last block in which {@code participant} computes anything; -1 when it computes nothing. */
    int lastBlock(PlanSpec spec, int participant) {
        int[] all = lastBlocks.get(spec, this::lastBlocks);
        return participant < all.length ? all[participant] : -1;
    }

    private int[] lastBlocks(PlanSpec spec) {
        SegmentPlan plan = plans.plan(spec);
        int[] last = new int[plan.secondaries() + 1];
        for (int p = 0; p < last.length; p++) {
            last[p] = -1;
            for (int b = 0; b < plan.blocks().size(); b++) {
                if (!StageView.of(plan, b, p).work.isEmpty()) {
                    last[p] = b;
                }
            }
        }
        return last;
    }

    private int[] count(PlanSpec spec) {
        SegmentPlan plan = plans.plan(spec);
        int[] total = new int[plan.secondaries() + 1];
        for (int p = 0; p < total.length; p++) {
            for (int b = 0; b < plan.blocks().size(); b++) {
                for (StageView.Work w : StageView.of(plan, b, p).work) {
                    total[p] += w.steps().stream().mapToInt(st -> st.outputRows().size()).sum();
                }
            }
        }
        return total;
    }
}
