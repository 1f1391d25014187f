package dev.halp.partitioner.scheme;

import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.sim.Timeline;

/**
 * A scheme's plan with its simulated timeline for the workload's tasks and, for reference, the time the
 * host alone needs for the same tasks.
 */
public record SchemePlan(String scheme, Workload workload, SegmentPlan plan, Timeline timeline, double localMs) {

    /** Batch makespan: every task finished (the single frame's latency with one task). */
    public double finishMs() {
        return timeline.makespan();
    }

    /** Mean latency of the batch's frames, all released at time 0. */
    public double meanLatencyMs() {
        return timeline.meanLatency();
    }

    /** How many times faster than the host alone (throughput ratio for a batch). */
    public double speedup() {
        return localMs / finishMs();
    }

    /** Frames per second over the batch. */
    public double throughputFps() {
        return workload.tasks() * 1000.0 / finishMs();
    }

    /** Secondaries that compute at least one row. */
    public long secondariesUsed() {
        return plan.blocks().stream().flatMap(b -> b.pieces().stream())
                .filter(p -> !p.isZone() && !p.rows().isEmpty()).map(p -> p.owner().index()).distinct().count();
    }
}
