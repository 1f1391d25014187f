package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.sim.PlanSimulator;
import dev.halp.partitioner.sim.Resources;
import dev.halp.partitioner.sim.Timeline;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * HALP (DESIGN §4): fused blocks chosen by {@link BlockDp}, rows laid out by {@link HaloLayout} (host
 * band and zones on the host, halo exchange between blocks), interior-first computation while halos
 * travel. For every number {@code k} of secondaries (the {@code k} fastest; {@code k = 0} is local
 * execution, so HALP is never predicted slower than the host alone) it starts from shares in proportion to
 * device speed and rebalances them from the simulated timeline so that all participants finish together,
 * with the last zero, one or two blocks on the host alone (see {@link HaloLayout}); the plan with the
 * earliest predicted finish (batch makespan for several tasks) wins. Secondaries that do not pay are
 * thereby left out; the scan over {@code k} stops at the first number that does not improve (finish time is unimodal in
 * {@code k}: each secondary adds zones and link time while its share of work shrinks).
 */
public final class HalpScheme implements CollaborationScheme {

    /** Rebalancing rounds for each host tail and number of secondaries. */
    static final int ROUNDS = 4;

    /** Largest number of final blocks tried on the host alone. */
    static final int MAX_TAIL = 2;

    @Override
    public String name() {
        return "halp";
    }

    @Override
    public SchemePlan plan(Workload w, Cluster cluster) {
        PlanSimulator sim = new PlanSimulator(cluster, true, false);
        Map<Long, List<LayerStep>> programs = new HashMap<>();
        SchemePlan local = new LocalScheme().plan(w, cluster);
        SegmentPlan bestPlan = local.plan();
        Timeline bestTimeline = local.timeline();
        double[] speeds = Speeds.of(w, cluster);
        Integer[] order = IntStream.range(0, cluster.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -speeds[i + 1]).thenComparing(i -> i))
                .toArray(Integer[]::new);
        int worse = 0;
        for (int k = 1; k <= cluster.size() && worse < 1; k++) {
            double[] weights = new double[cluster.size() + 1];
            weights[0] = speeds[0];
            for (int j = 0; j < k; j++) {
                weights[order[j] + 1] = speeds[order[j] + 1];
            }
            List<FusedBlock> blocks = BlockDp.choose(w, cluster, weights, programs);
            Candidate best = null;
            for (int tail = 0; tail < Math.min(MAX_TAIL + 1, blocks.size()); tail++) {
                Candidate c = balance(w, sim, blocks, tail, weights, ROUNDS);
                if (c != null && (best == null || c.finish() < best.finish())) {
                    best = c;
                }
            }
            if (best != null && best.finish() < bestTimeline.makespan()) {
                bestPlan = best.plan();
                bestTimeline = best.timeline();
                worse = 0;
            } else {
                worse++;
            }
        }
        if (bestPlan != local.plan()) {
            bestTimeline = new PlanSimulator(cluster, true).run(bestPlan, w.tasks()); // with labels
        }
        return new SchemePlan(name(), w, bestPlan, bestTimeline, local.localMs());
    }

    private record Candidate(SegmentPlan plan, Timeline timeline, int tail, double[] weights) {
        double finish() {
            return timeline.makespan();
        }
    }

    /**
     * {@code rounds} layouts of one block list and host tail, each rebalanced from the last one's
     * timeline; the best plan seen (with the rebalanced shares to go on from), or null if none is valid.
     */
    private static Candidate balance(Workload w, PlanSimulator sim, List<FusedBlock> blocks, int tail,
                                     double[] start, int rounds) {
        double[] weights = start;
        Candidate best = null;
        for (int round = 0; round < rounds; round++) {
            SegmentPlan plan;
            try {
                plan = HaloLayout.plan(w.model(), w.height(), w.width(), blocks, weights, tail).validate();
            } catch (IllegalArgumentException e) {
                return best;
            }
            Timeline t = sim.run(plan, w.tasks());
            double[] next = rebalance(weights, t);
            if (best == null || t.makespan() < best.finish()) {
                best = new Candidate(plan, t, tail, next);
            }
            weights = next;
        }
        return best;
    }

    /**
     * Participant {@code p} started at {@code S_p} and was busy {@code B_p} for a share {@code w_p}: a rate
     * of {@code w_p / B_p}. Shares that let everyone finish at one time {@code T} satisfy
     * {@code w'_p = rate_p (T - S_p)} with the shares summing to the old total, which fixes {@code T}.
     * Waiting (for halos, for the link) is not work, so it does not lower a participant's rate.
     */
    static double[] rebalance(double[] weights, Timeline t) {
        int n = weights.length;
        double[] rate = new double[n];
        double[] start = new double[n];
        double total = 0;
        double rateSum = 0;
        double weighted = 0;
        for (int p = 0; p < n; p++) {
            if (weights[p] <= 0) {
                continue;
            }
            double work = t.workMillis(device(p));
            if (work <= 0) {
                continue;
            }
            start[p] = t.firstStart(device(p));
            rate[p] = weights[p] / Math.max(1e-9, work);
            total += weights[p];
            rateSum += rate[p];
            weighted += rate[p] * start[p];
        }
        if (rateSum == 0) {
            return weights;
        }
        double finish = (total + weighted) / rateSum;
        double[] next = Arrays.copyOf(weights, n);
        for (int p = 0; p < n; p++) {
            if (rate[p] > 0) {
                next[p] = Math.max(total * 1e-3, rate[p] * (finish - start[p]));
            }
        }
        return next;
    }

    /** Device resource of participant {@code p} (0 = host). */
    static int device(int p) {
        return p == 0 ? Resources.device(dev.halp.partitioner.plan.Participant.HOST)
                : Resources.device(dev.halp.partitioner.plan.Participant.secondary(p - 1));
    }
}
