package dev.halp.operators.flink;

import java.util.Arrays;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof PlanSpec p && height == p.height && width == p.width && secondaries == p.secondaries
                && Objects.equals(scheme, p.scheme) && Objects.equals(model, p.model)
                && Arrays.equals(blockEnds, p.blockEnds) && Arrays.equals(weights, p.weights);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, model, height, width, secondaries, Arrays.hashCode(blockEnds),
                Arrays.hashCode(weights));
    }

    @Override
    public String toString() {
        return scheme + " " + model + " " + height + "x" + width + " on " + secondaries + " secondaries";
    }
}
