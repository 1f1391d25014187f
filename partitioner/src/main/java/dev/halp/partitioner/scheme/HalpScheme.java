package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.sim.PlanSimulator;
import dev.halp.partitioner.sim.Resources;
import dev.halp.partitioner.sim.Timeline;

import dev.halp.partitioner.plan.BlockPlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.Comparator;
import java.util.List;
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

    /**
     * Every number of secondaries is tried, but only with one block list and no host tail first (the
     * probe); the other block lists and tails, which move the finish by a few percent, are tried only if
     * the probe is within this factor of the best plan so far.
     */
    static final double PROBE_MARGIN = 1.10;

    /** A chain whose rebalanced layout is still this much slower than the best plan stops. */
    static final double HOPELESS = 1.5;

    /**
     * Block lists tried per number of secondaries: {@link BlockDp} with the whole link time of every
     * exchange charged, with a quarter of it (interior-first computation hides most of an exchange, so
     * shorter blocks with less halo recomputation may win), and with a cost per block of 0.1, 0.25, 0.5, 1 and 2 % of
     * the host-alone time (what the sum of block costs leaves out: every block starts when its slowest
     * participant's rows arrive, so each boundary costs the plan more than its own link time). The simulator
     * judges.
     */
    static final double[] LINK_FACTORS = {1, 0.25};
    static final double[] BLOCK_SHARES = {0.001, 0.0025, 0.005, 0.01, 0.02};

    @Override
    public String name() {
        return "halp";
    }

    @Override
    public SchemePlan plan(Workload w, Cluster cluster) {
        PlanSimulator sim = new PlanSimulator(cluster, true, false);
        SchemePlan local = new LocalScheme().plan(w, cluster);
        Search search = new Search(w, sim, local.plan(), local.timeline());
        double[] speeds = Speeds.of(w, cluster);
        Integer[] order = IntStream.range(0, cluster.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -speeds[i + 1]).thenComparing(i -> i))
                .toArray(Integer[]::new);
        LayerTimes[] times = new LayerTimes[cluster.size() + 1];
        for (int p = 0; p < times.length; p++) {
            times[p] = (p == 0 ? cluster.host() : cluster.secondaries().get(p - 1))
                    .times(w.model(), w.height(), w.width(), 1);
        }
        for (int k = 1; k <= cluster.size(); k++) {
            double[] weights = new double[cluster.size() + 1];
            weights[0] = speeds[0];
            for (int j = 0; j < k; j++) {
                weights[order[j] + 1] = speeds[order[j] + 1];
            }
            List<List<FusedBlock>> tried = new ArrayList<>();
            double probe = Double.NaN;
            for (List<FusedBlock> blocks : BlockDp.choose(w, cluster, times, weights, weightings(local.localMs()))) {
                if (tried.contains(blocks)) {
                    continue;
                }
                tried.add(blocks);
                for (int tail = 0; tail < Math.min(MAX_TAIL + 1, blocks.size()); tail++) {
                    if (!Double.isNaN(probe) && probe > PROBE_MARGIN * search.bestTimeline.makespan()) {
                        break;
                    }
                    double f = search.balance(blocks, tail, weights, ROUNDS);
                    if (Double.isNaN(probe)) {
                        probe = f;
                    }
                }
            }
        }
        SegmentPlan bestPlan = search.bestPlan;
        Timeline bestTimeline = search.bestTimeline;
        if (bestPlan != local.plan()) {
            bestTimeline = new PlanSimulator(cluster, true).run(bestPlan, w.tasks()); // with labels
        }
        return Speeds.requireWithinDevices(new SchemePlan(name(), w, bestPlan, bestTimeline, local.localMs()), w,
                cluster);
    }

    private static List<BlockDp.Weighting> weightings(double localMs) {
        List<BlockDp.Weighting> out = new ArrayList<>();
        for (double f : LINK_FACTORS) {
            out.add(new BlockDp.Weighting(f, 0));
        }
        for (double share : BLOCK_SHARES) {
            out.add(new BlockDp.Weighting(1, share * localMs));
        }
        return out;
    }

    /** The best plan so far, and every layout already simulated (rebalancing often lands on one twice). */
    private static final class Search {
        final Workload w;
        final PlanSimulator sim;
        final Set<List<BlockPlan>> seen = new HashSet<>();
        SegmentPlan bestPlan;
        Timeline bestTimeline;

        Search(Workload w, PlanSimulator sim, SegmentPlan plan, Timeline timeline) {
            this.w = w;
            this.sim = sim;
            this.bestPlan = plan;
            this.bestTimeline = timeline;
        }

        /**
         * Up to {@code rounds} layouts of one block list and host tail, each rebalanced from the last one's
         * timeline. A chain stops early when a layout was already simulated (its successors would be too),
         * when a round is slower than the round before (rebalancing moves away from the optimum) or when a
         * rebalanced layout is still far behind the best plan.
         */
        double balance(List<FusedBlock> blocks, int tail, double[] start, int rounds) {
            double[] weights = start;
            double previous = Double.POSITIVE_INFINITY;
            double chainBest = Double.POSITIVE_INFINITY;
            for (int round = 0; round < rounds; round++) {
                SegmentPlan plan;
                try {
                    plan = HaloLayout.plan(w.model(), w.height(), w.width(), blocks, weights, tail).validate();
                } catch (IllegalArgumentException e) {
                    return chainBest;
                }
                if (!seen.add(plan.blocks())) {
                    return chainBest;
                }
                Timeline t = sim.run(plan, w.tasks());
                if (t.makespan() < bestTimeline.makespan()) {
                    bestPlan = plan;
                    bestTimeline = t;
                }
                chainBest = Math.min(chainBest, t.makespan());
                if (t.makespan() > previous || (round > 0 && t.makespan() > HOPELESS * bestTimeline.makespan())) {
                    return chainBest;
                }
                previous = t.makespan();
                weights = rebalance(weights, t);
            }
            return chainBest;
        }
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
