package dev.halp.partitioner.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a simulation: when every op started, freed its resource and became usable; per-frame
 * (task) finish times, busy intervals per resource.
 */
public final class Timeline {

    /** One busy interval of a resource. */
    public record Interval(String label, int task, int resource, double start, double end, double done) { }

    private final List<Op> ops;
    private final double[] start;
    private final double[] end;
    private final double[] done;

    Timeline(List<Op> ops, double[] start, double[] end, double[] done) {
        this.ops = List.copyOf(ops);
        this.start = start;
        this.end = end;
        this.done = done;
    }

    public Interval interval(int op) {
        Op o = ops.get(op);
        return new Interval(o.label(), o.task(), o.resource(), start[op], end[op], done[op]);
    }

    /** Every op in creation order. */
    public List<Interval> intervals() {
        List<Interval> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            out.add(interval(i));
        }
        return out;
    }

    /** Busy intervals of one resource, in start order. */
    public List<Interval> busy(int resource) {
        return intervals().stream().filter(i -> i.resource() == resource && i.end() > i.start())
                .sorted(java.util.Comparator.comparingDouble(Interval::start)).toList();
    }

    /** Total busy time of a resource. */
    public double workMillis(int resource) {
        double sum = 0;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).resource() == resource) {
                sum += end[i] - start[i];
            }
        }
        return sum;
    }

    /** When a resource first started work, or NaN if it never did. */
    public double firstStart(int resource) {
        double first = Double.NaN;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).resource() == resource && end[i] > start[i] && !(first <= start[i])) {
                first = start[i];
            }
        }
        return first;
    }

    /** When the last op of a task became usable: the frame's finish time. */
    public double finish(int task) {
        double f = 0;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).task() == task) {
                f = Math.max(f, done[i]);
            }
        }
        return f;
    }

    /** When every task had finished. */
    public double makespan() {
        double f = 0;
        for (double d : done) {
            f = Math.max(f, d);
        }
        return f;
    }

    public int tasks() {
        return ops.stream().mapToInt(Op::task).max().orElse(-1) + 1;
    }

    /** Mean finish time over tasks (all tasks are released at time 0, so this is the mean latency). */
    public double meanLatency() {
        int t = tasks();
        double sum = 0;
        for (int i = 0; i < t; i++) {
            sum += finish(i);
        }
        return t == 0 ? 0 : sum / t;
    }
}
