package dev.halp.partitioner.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Plays an op graph event by event. Every resource (a device or one direction of the host's link) runs one
 * op at a time, without preemption. When a resource falls free it starts, among the ops whose
 * dependencies are done, the one of the earliest task, then the earliest created: so a frame's own work
 * goes first and the next frame's sends fill the link's idle time (pipelining). Because durations are
 * known when an op starts, the simulator always advances to the earliest possible start of any resource;
 * every op that could start before that is already known, which makes the greedy order exact.
 */
public final class EventSimulator {

    private EventSimulator() {
    }

    public static Timeline run(OpGraph graph) {
        List<Op> ops = graph.ops();
        int n = ops.size();
        int[] remaining = new int[n];
        List<List<Integer>> dependents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dependents.add(new ArrayList<>(2));
        }
        for (Op op : ops) {
            remaining[op.id()] = op.deps().length;
            for (int d : op.deps()) {
                dependents.get(d).add(op.id());
            }
        }
        double[] duration = new double[n];
        int[] bordersOf = new int[n];
        double[] wholeOf = new double[n];
        java.util.Arrays.fill(bordersOf, -1);
        for (Op op : ops) {
            duration[op.id()] = op.durationMs();
        }
        for (int i = 0; i < graph.splits(); i++) {
            bordersOf[graph.splitInterior(i)] = graph.splitBorders(i);
            wholeOf[graph.splitInterior(i)] = graph.splitWhole(i);
        }
        double[] ready = new double[n];
        double[] start = new double[n];
        double[] end = new double[n];
        double[] done = new double[n];
        List<List<Integer>> queues = new ArrayList<>();
        for (int r = 0; r < graph.resources(); r++) {
            queues.add(new ArrayList<>());
        }
        double[] freeAt = new double[graph.resources()];
        for (Op op : ops) {
            if (remaining[op.id()] == 0) {
                queues.get(op.resource()).add(op.id());
            }
        }
        for (int scheduled = 0; scheduled < n; scheduled++) {
            int bestResource = -1;
            double bestStart = Double.POSITIVE_INFINITY;
            for (int r = 0; r < queues.size(); r++) {
                List<Integer> q = queues.get(r);
                if (q.isEmpty()) {
                    continue;
                }
                double earliest = Double.POSITIVE_INFINITY;
                for (int id : q) {
                    earliest = Math.min(earliest, ready[id]);
                }
                double s = Math.max(freeAt[r], earliest);
                if (s < bestStart) {
                    bestStart = s;
                    bestResource = r;
                }
            }
            if (bestResource < 0) {
                throw new IllegalStateException("ops wait on each other: " + (n - scheduled) + " never become ready");
            }
            List<Integer> q = queues.get(bestResource);
            int pick = -1;
            for (int i = 0; i < q.size(); i++) {
                int id = q.get(i);
                if (ready[id] <= bestStart && (pick < 0 || before(ops.get(id), ops.get(q.get(pick))))) {
                    pick = i;
                }
            }
            int id = q.remove(pick);
            Op op = ops.get(id);
            int borders = bordersOf[id];
            if (borders >= 0 && remaining[borders] == 1 && ready[borders] <= bestStart) {
                // the halo is already there: one pass over the whole piece, nothing left for the borders
                duration[id] = wholeOf[id];
                duration[borders] = 0;
            }
            start[id] = bestStart;
            end[id] = bestStart + duration[id];
            done[id] = end[id] + op.delayMs();
            freeAt[bestResource] = end[id];
            for (int d : dependents.get(id)) {
                ready[d] = Math.max(ready[d], done[id]);
                if (--remaining[d] == 0) {
                    queues.get(ops.get(d).resource()).add(d);
                }
            }
        }
        return new Timeline(ops, start, end, done);
    }

    private static boolean before(Op a, Op b) {
        return a.task() != b.task() ? a.task() < b.task() : a.id() < b.id();
    }
}
