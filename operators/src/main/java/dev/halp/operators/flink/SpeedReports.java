package dev.halp.operators.flink;

import dev.halp.operators.exec.StageView;
import dev.halp.partitioner.util.BoundedCache;
import dev.halp.kafka.record.Observation;
import dev.halp.partitioner.plan.SegmentPlan;

import java.util.Optional;

/**
 * What a secondary's block stage says about its own speed ({@link BlockStage#OBSERVATIONS}): after a frame's
 * last block, its compute plus link milliseconds per row computed; before that, and for a frame that reached
 * it too late, a lower bound: the time spent on the frame so far over all the rows the plan gives it, so a
 * degraded link or a slowed server shows within one block instead of one frame. The host says nothing.
 */
final class SpeedReports {

    private final JobPlans plans;
    private final int me;
    private final BoundedCache<PlanSpec, Integer> plannedRows = new BoundedCache<>("planned rows", JobPlans.MAX_PLANS);

    SpeedReports(JobPlans plans, int me) {
        this.plans = plans;
        this.me = me;
    }

    Optional<Observation> atLeast(RowsMessage frame, double msSoFar) {
        int rows = me == 0 ? 0 : plannedRows.get(frame.plan, this::rowsOf);
        return rows > 0 && msSoFar > 0
                ? Optional.of(Observation.atLeast(Participants.name(me), frame.cameraId, frame.sequence, msSoFar / rows))
                : Optional.empty();
    }

    Optional<Observation> measured(RowsMessage frame, double ms, int rowsComputed) {
        return me > 0 && rowsComputed > 0
                ? Optional.of(Observation.measured(Participants.name(me), frame.cameraId, frame.sequence, ms / rowsComputed))
                : Optional.empty();
    }

    private int rowsOf(PlanSpec spec) {
        SegmentPlan plan = plans.plan(spec);
        int total = 0;
        for (int b = 0; b < plan.blocks().size(); b++) {
            for (StageView.Work w : StageView.of(plan, b, me).work) {
                total += w.steps().stream().mapToInt(st -> st.outputRows().size()).sum();
            }
        }
        return total;
    }
}
