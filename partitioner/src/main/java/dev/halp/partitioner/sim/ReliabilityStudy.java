package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.ChannelModel;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.cost.Network;
import dev.halp.partitioner.plan.SegmentPlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Service reliability under a time-variant channel: the probability that a frame finishes before its
 * deadline (Monte Carlo, seeded). Each scheme's plan is fixed (made for the channel's mean rate); for every
 * frame every link draws its rate from the channel, the same draws for every scheme, and the plan's
 * timeline is replayed at those rates.
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

    /** Sorted finish times of {@code frames} frames of a plan. */
    public double[] finishTimes(SegmentPlan plan) {
        List<ChannelModel.Process> links = new ArrayList<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (int i = 0; i < cluster.size(); i++) {
            links.add(channel.start(root.split()));
        }
        double[] finish = new double[frames];
        for (int f = 0; f < frames; f++) {
            List<Link> drawn = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                drawn.add(cluster.network().link(i).withBandwidth(links.get(i).nextMbps()));
            }
            Cluster now = cluster.withNetwork(new Network(drawn));
            finish[f] = new PlanSimulator(now, true).run(plan, 1).makespan();
        }
        Arrays.sort(finish);
        return finish;
    }

    /** Hit ratio of a plan at each deadline. */
    public List<Point> curve(String scheme, SegmentPlan plan, double[] deadlinesMs) {
        double[] finish = finishTimes(plan);
        List<Point> points = new ArrayList<>();
        for (double d : deadlinesMs) {
            int met = 0;
            while (met < finish.length && finish[met] <= d) {
                met++;
            }
            points.add(new Point(scheme, d, (double) met / finish.length));
        }
        return points;
    }
}
