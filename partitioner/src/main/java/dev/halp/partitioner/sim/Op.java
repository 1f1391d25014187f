package dev.halp.partitioner.sim;

import java.util.Arrays;

/**
 * One step of a timeline: a computation on a device or a message on a link. It needs its resource for
 * {@code durationMs}; its result is usable {@code delayMs} after that (a link's latency, zero for a
 * computation). It may start once every op in {@code deps} is usable.
 */
public record Op(int id, int task, int resource, double durationMs, double delayMs, int[] deps, String label) {

    public Op {
        if (durationMs < 0 || delayMs < 0 || Double.isNaN(durationMs) || Double.isNaN(delayMs)) {
            throw new IllegalArgumentException("op " + label + ": negative or NaN time");
        }
        deps = deps.clone();
        for (int d : deps) {
            if (d < 0 || d >= id) {
                throw new IllegalArgumentException("op " + label + " depends on op " + d + " that is not before it");
            }
        }
    }

    @Override
    public String toString() {
        return label + " (task " + task + ", resource " + resource + ", " + durationMs + " ms, deps "
                + Arrays.toString(deps) + ")";
    }
}
