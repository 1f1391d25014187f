package dev.halp.operators.flink;

import dev.halp.operators.exec.StageView;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.util.BoundedCache;

/**
 * The rows each participant computes under a plan, summed over every block and layer (the unit in which
 * edge servers report their speed, milliseconds per row, so a speed and a plan give a time), and the last
 * block in which each computes. Counted once per spec, in one pass, and cached.
 */
final class PlannedRows {

    /** Per participant number: rows computed, the last block with work (-1: none), and rows by block. */
    private record Counts(int[] rows, int[] lastBlock, int[][] byBlock) {
    }

    private final JobPlans plans;
    private final BoundedCache<PlanSpec, Counts> counts = new BoundedCache<>("planned rows", JobPlans.MAX_PLANS);

    PlannedRows(JobPlans plans) {
        this.plans = plans;
    }

    /** Rows per participant number (0 the host). */
    int[] of(PlanSpec spec) {
        return counts(spec).rows();
    }

    int of(PlanSpec spec, int participant) {
        int[] all = of(spec);
        return participant < all.length ? all[participant] : 0;
    }

    /** Rows {@code participant} computes in each block. */
    int[] byBlock(PlanSpec spec, int participant) {
        int[][] all = counts(spec).byBlock();
        return participant < all.length ? all[participant] : new int[0];
    }

    /** The last block in which {@code participant} computes anything; -1 when it computes nothing. */
    int lastBlock(PlanSpec spec, int participant) {
        int[] all = counts(spec).lastBlock();
        return participant < all.length ? all[participant] : -1;
    }

    private Counts counts(PlanSpec spec) {
        return counts.get(spec, this::count);
    }

    private Counts count(PlanSpec spec) {
        SegmentPlan plan = plans.plan(spec);
        int[] rows = new int[plan.secondaries() + 1];
        int[] last = new int[rows.length];
        int[][] byBlock = new int[rows.length][plan.blocks().size()];
        for (int p = 0; p < rows.length; p++) {
            last[p] = -1;
            for (int b = 0; b < plan.blocks().size(); b++) {
                for (StageView.Work w : StageView.of(plan, b, p).work) {
                    int n = w.steps().stream().mapToInt(st -> st.outputRows().size()).sum();
                    rows[p] += n;
                    byBlock[p][b] += n;
                    last[p] = b;
                }
            }
        }
        return new Counts(rows, last, byBlock);
    }
}
