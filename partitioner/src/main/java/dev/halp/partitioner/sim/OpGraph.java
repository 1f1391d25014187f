package dev.halp.partitioner.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Ops in creation order; an op may depend only on ops created before it, so the graph has no cycles. */
public final class OpGraph {

    private final List<Op> ops = new ArrayList<>();
    private final int resources;
    /** Per split pair: interior op, borders op, and the time of the whole piece in one pass. */
    private int[] splitOps = new int[0];
    private double[] splitWhole = new double[0];
    private int splits;

    public OpGraph(int resources) {
        this.resources = resources;
    }

    /** Adds an op and returns its id. */
    public int add(int task, int resource, double durationMs, double delayMs, String label, int... deps) {
        if (resource < 0 || resource >= resources) {
            throw new IllegalArgumentException("op " + label + ": no resource " + resource);
        }
        int id = ops.size();
        ops.add(new Op(id, task, resource, durationMs, delayMs, deps, label));
        return id;
    }

    /**
     * Marks {@code interior} and {@code borders} (same device, borders depending on interior) as the two
     * passes of one piece: if, when the interior pass starts, everything else the borders pass waits for
     * is already there, the simulator runs the piece in one pass of {@code wholeMs} instead (splitting
     * would only pay the layers' fixed costs twice) and the borders pass takes no time.
     */
    public void split(int interior, int borders, double wholeMs) {
        if (splits == splitWhole.length) {
            splitOps = java.util.Arrays.copyOf(splitOps, Math.max(8, 4 * splits));
            splitWhole = java.util.Arrays.copyOf(splitWhole, Math.max(4, 2 * splits));
        }
        splitOps[2 * splits] = interior;
        splitOps[2 * splits + 1] = borders;
        splitWhole[splits++] = wholeMs;
    }

    int splits() {
        return splits;
    }

    int splitInterior(int i) {
        return splitOps[2 * i];
    }

    int splitBorders(int i) {
        return splitOps[2 * i + 1];
    }

    double splitWhole(int i) {
        return splitWhole[i];
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public int resources() {
        return resources;
    }

    public int size() {
        return ops.size();
    }
}
