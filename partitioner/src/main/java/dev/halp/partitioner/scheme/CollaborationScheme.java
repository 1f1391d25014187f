package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;

/**
 * A way for the host and its secondaries to share a CNN's work (DESIGN §4): which rows each participant
 * computes in which block, hence what moves over the links. Every scheme produces a
 * {@link dev.halp.partitioner.plan.SegmentPlan} that the executor and the Flink job run as it is, with its
 * predicted timeline.
 */
public interface CollaborationScheme {

    /** {@code local}, {@code modnn} or {@code halp}. */
    String name();

    SchemePlan plan(Workload workload, Cluster cluster);
}
