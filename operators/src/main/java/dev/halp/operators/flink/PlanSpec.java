package dev.halp.operators.flink;

import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to rebuild a frame's segment plan deterministically: it travels with every message
 * instead of the plan itself, so ratios can change from frame to frame without changing the job graph, and
 * each operator rebuilds (and caches) the plan locally.
 */
public class PlanSpec implements java.io.Serializable {

    public String scheme;
    public String model;
    public int height;
    public int width;
    public int secondaries;
    /** Exclusive end layer of every fused block but the last. */
    public int[] blockEnds;
    /** Relative speed of each secondary (segment sizes are proportional). */
    public double[] weights;
    /**
     * An explicit layout (a plan from the planner), or null for the scheme's default: per block, each
     * piece's participant number and exclusive end row (pieces tile the block's rows in order).
     */
    public int[][] pieceOwners;
    public int[][] pieceEnds;
    /** {@code HALO} or {@code VIA_HOST} for an explicit layout. */
    public String exchange;

    public PlanSpec() {
    }

    public PlanSpec(String scheme, String model, int height, int width, int secondaries, int[] blockEnds,
                    double[] weights) {
        this.scheme = scheme;
        this.model = model;
        this.height = height;
        this.width = width;
        this.secondaries = secondaries;
        this.blockEnds = blockEnds.clone();
        this.weights = weights.clone();
    }

    /** The spec of a given plan, layout included: every operator rebuilds exactly this plan. */
    public static PlanSpec of(String scheme, SegmentPlan plan) {
        List<BlockPlan> blocks = plan.blocks();
        int[] ends = blocks.stream().limit(blocks.size() - 1).mapToInt(b -> b.block().last()).toArray();
        PlanSpec spec = new PlanSpec(scheme, plan.model().name(), plan.height(), plan.width(), plan.secondaries(),
                ends, new double[0]);
        spec.pieceOwners = new int[blocks.size()][];
        spec.pieceEnds = new int[blocks.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            List<Piece> pieces = blocks.get(b).pieces();
            spec.pieceOwners[b] = pieces.stream().mapToInt(p -> Participants.index(p.owner())).toArray();
            spec.pieceEnds[b] = pieces.stream().mapToInt(p -> p.rows().end()).toArray();
        }
        spec.exchange = plan.exchange().name();
        return spec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlanSpec p && height == p.height && width == p.width && secondaries == p.secondaries
                && Objects.equals(scheme, p.scheme) && Objects.equals(model, p.model)
                && Arrays.equals(blockEnds, p.blockEnds) && Arrays.equals(weights, p.weights)
                && Arrays.deepEquals(pieceOwners, p.pieceOwners) && Arrays.deepEquals(pieceEnds, p.pieceEnds)
                && Objects.equals(exchange, p.exchange);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, model, height, width, secondaries, Arrays.hashCode(blockEnds),
                Arrays.hashCode(weights), Arrays.deepHashCode(pieceEnds));
    }

    @Override
    public String toString() {
        return scheme + " " + model + " " + height + "x" + width + " on " + secondaries + " secondaries";
    }
}
