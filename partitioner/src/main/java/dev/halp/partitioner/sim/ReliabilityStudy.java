package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.ChannelModel;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.cost.Network;
import dev.halp.partitioner.plan.SegmentPlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Service reliability under a time-variant channel: the probability that a frame finishes before its
 * deadline (Monte Carlo, seeded). Each scheme's plan is fixed (made for the channel's mean rate); for every
 * frame every link draws its rate from the channel, the same draws for every scheme, and the plan's
 * timeline is replayed at those rates. The deadline-aware scheme chooses among those plans per frame, from
 * what was measured before the frame.
 */
public final class ReliabilityStudy {

    /** The fraction of frames of a scheme that met a deadline. */
    public record Point(String scheme, double deadlineMs, double hitRatio) { }

    private final Cluster cluster;
    private final ChannelModel channel;
    private final int frames;
    private final long seed;

    public ReliabilityStudy(Cluster cluster, ChannelModel channel, int frames, long seed) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1");
        }
        this.cluster = cluster;
        this.channel = channel;
        this.frames = frames;
        this.seed = seed;
    }

    /** Draws of the next rates that estimate a choice's chance to meet a deadline, per channel state. */
    static final int SAMPLES = 200;

    private double[][] draws;

    /** The rate every link drew for every frame: the same draws for every scheme. */
    private double[][] draws() {
        if (draws == null) {
            List<ChannelModel.Process> links = new ArrayList<>();
            SplittableRandom root = new SplittableRandom(seed);
            for (int i = 0; i < cluster.size(); i++) {
                links.add(channel.start(root.split()));
            }
            draws = new double[frames][cluster.size()];
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < cluster.size(); i++) {
                    draws[f][i] = links.get(i).nextMbps();
                }
            }
        }
        return draws;
    }

    /** A plan's finish with every link at the given rate. */
    private double finish(SegmentPlan plan, double[] mbps) {
        List<Link> drawn = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            drawn.add(cluster.network().link(i).withBandwidth(mbps[i]));
        }
        return new PlanSimulator(cluster.withNetwork(new Network(drawn)), true).run(plan, 1).makespan();
    }

    /** Finish times of every frame of a plan, in frame order. */
    private double[] finishByFrame(SegmentPlan plan) {
        double[] finish = new double[frames];
        for (int f = 0; f < frames; f++) {
            finish[f] = finish(plan, draws()[f]);
        }
        return finish;
    }

    /** Sorted finish times of {@code frames} frames of a plan. */
    public double[] finishTimes(SegmentPlan plan) {
        double[] finish = finishByFrame(plan);
        Arrays.sort(finish);
        return finish;
    }

    /** Hit ratio of a plan at each deadline. */
    public List<Point> curve(String scheme, SegmentPlan plan, double[] deadlinesMs) {
        return curve(scheme, finishTimes(plan), deadlinesMs);
    }

    private List<Point> curve(String scheme, double[] sortedFinish, double[] deadlinesMs) {
        List<Point> points = new ArrayList<>();
        for (double d : deadlinesMs) {
            points.add(new Point(scheme, d, (double) met(sortedFinish, d) / sortedFinish.length));
        }
        return points;
    }

    /** How many of the sorted times are at most {@code d}. */
    private static int met(double[] sorted, double d) {
        int met = 0;
        while (met < sorted.length && sorted[met] <= d) {
            met++;
        }
        return met;
    }

    /**
     * A scheme that chooses per frame and deadline: the candidate plan most likely to finish by the deadline,
     * given the rates measured on the previous frame (a frame's rates are known once its transfers are done, so
     * the decision lags the channel by one frame; before the first, only the stationary distribution is known).
     * The chance is estimated from {@link #SAMPLES} draws of the next rates given that measurement
     * ({@link ChannelModel#nextMbps(double, SplittableRandom)}), never from the frame's own draw; ties go to the
     * candidate with the earlier 99th percentile, then to the earlier candidate.
     */
    public List<Point> deadlineAware(String scheme, List<SegmentPlan> candidates, double[] deadlinesMs) {
        double[][] actual = new double[candidates.size()][];
        for (int c = 0; c < candidates.size(); c++) {
            actual[c] = finishByFrame(candidates.get(c));
        }
        Map<List<Object>, double[][]> forecasts = new HashMap<>();
        int[] met = new int[deadlinesMs.length];
        for (int f = 0; f < frames; f++) {
            double[] last = new double[cluster.size()];
            Arrays.fill(last, Double.NaN);
            if (f > 0) {
                last = draws()[f - 1];
            }
            double[][] forecast = forecast(candidates, last, forecasts);
            for (int k = 0; k < deadlinesMs.length; k++) {
                int best = 0;
                int bestMet = met(forecast[0], deadlinesMs[k]);
                for (int c = 1; c < candidates.size(); c++) {
                    int a = met(forecast[c], deadlinesMs[k]);
                    if (a > bestMet || a == bestMet && p99(forecast[c]) < p99(forecast[best])) {
                        best = c;
                        bestMet = a;
                    }
                }
                if (actual[best][f] <= deadlinesMs[k]) {
                    met[k]++;
                }
            }
        }
        List<Point> points = new ArrayList<>();
        for (int k = 0; k < deadlinesMs.length; k++) {
            points.add(new Point(scheme, deadlinesMs[k], (double) met[k] / frames));
        }
        return points;
    }

    /** Each candidate's sorted finish times under {@link #SAMPLES} draws of the next rates after {@code last}. */
    private double[][] forecast(List<SegmentPlan> candidates, double[] last, Map<List<Object>, double[][]> memo) {
        List<Object> state = new ArrayList<>();
        for (double mbps : last) {
            state.add(channel.stateOf(mbps));
        }
        return memo.computeIfAbsent(state, key -> {
            SplittableRandom random = new SplittableRandom(seed ^ key.toString().hashCode());
            double[][] samples = new double[SAMPLES][cluster.size()];
            for (double[] sample : samples) {
                for (int i = 0; i < sample.length; i++) {
                    sample[i] = channel.nextMbps(last[i], random);
                }
            }
            double[][] out = new double[candidates.size()][SAMPLES];
            for (int c = 0; c < candidates.size(); c++) {
                for (int n = 0; n < SAMPLES; n++) {
                    out[c][n] = finish(candidates.get(c), samples[n]);
                }
                Arrays.sort(out[c]);
            }
            return out;
        });
    }

    /** The channel's rate that a fraction {@code q} of frames falls below (from 10,000 seeded draws). */
    public static double quantileMbps(ChannelModel channel, double q, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] rates = new double[10_000];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = channel.nextMbps(Double.NaN, random);
        }
        Arrays.sort(rates);
        return rates[(int) Math.floor(q * (rates.length - 1))];
    }

    private static double p99(double[] sorted) {
        return sorted[(int) Math.floor(0.99 * (sorted.length - 1))];
    }
}
