package dev.halp.partitioner.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Ops in creation order; an op may depend only on ops created before it, so the graph has no cycles. */
public final class OpGraph {

    private final List<Op> ops = new ArrayList<>();
    private final int resources;

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
