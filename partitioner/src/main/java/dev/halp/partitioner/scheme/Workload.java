package dev.halp.partitioner.scheme;

import dev.halp.partitioner.model.ModelSpec;

/**
 * What to plan for: a model at one frame size, and how many frames (tasks) arrive together as a batch.
 * With one task the objective is the frame's latency; with several it is the batch's makespan.
 */
public record Workload(ModelSpec model, int height, int width, int tasks) {

    public Workload {
        model.heights(height);
        model.widths(width);
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
        }
    }

    public static Workload single(ModelSpec model, int height, int width) {
        return new Workload(model, height, width, 1);
    }

    public Workload withTasks(int n) {
        return new Workload(model, height, width, n);
    }
}
