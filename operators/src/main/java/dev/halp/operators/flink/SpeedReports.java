package dev.halp.operators.flink;

import dev.halp.kafka.record.Observation;

import java.util.Optional;

/**
 * What a secondary's block stage says about its own speed ({@link BlockStage#OBSERVATIONS}): after a frame's
 * last block, its compute plus link milliseconds per row computed; before that, and for a frame that reached
 * it too late, a lower bound: the time spent on the frame so far over all the rows the plan gives it, so a
 * degraded link or a slowed server shows within one block instead of one frame. A measurement is made after
 * the last block in which the participant computes. Rows are one frame's: a
 * batch of {@code B} frames counts each row {@code B} times. The host reports its
 * measurements only (its rows come from the split on its own TaskManager: there is no link to bound).
 */
final class SpeedReports {

    private final PlannedRows plannedRows;
    private final int me;

    SpeedReports(JobPlans plans, int me) {
        this.plannedRows = new PlannedRows(plans);
        this.me = me;
    }

    Optional<Observation> atLeast(RowsMessage frame, double msSoFar) {
        int rows = me == 0 ? 0 : plannedRows.of(frame.plan, me) * frame.batchSize();
        return rows > 0 && msSoFar > 0
                ? Optional.of(Observation.atLeast(Participants.name(me), frame.cameraId, frame.sequence, msSoFar / rows))
                : Optional.empty();
    }

    /**
     * Whether {@code block} is the last in which this participant computes under the frame's plan: its
     * measurement is complete there (HALP's host computes zones in some blocks only).
     */
    boolean lastOfMine(RowsMessage frame, int block) {
        return block == plannedRows.lastBlock(frame.plan, me);
    }

    /** {@code ms}: compute plus link time on the frame. */
    Optional<Observation> measured(RowsMessage frame, double ms, int rowsComputed) {
        return rowsComputed > 0
                ? Optional.of(Observation.measured(Participants.name(me), frame.cameraId, frame.sequence,
                        ms / ((double) rowsComputed * frame.batchSize())))
                : Optional.empty();
    }
}
