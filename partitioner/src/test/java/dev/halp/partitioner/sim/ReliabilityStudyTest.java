package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.ChannelModel;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.GilbertElliottChannel;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.cost.RayleighChannel;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.scheme.HalpScheme;
import dev.halp.partitioner.scheme.LocalScheme;
import dev.halp.partitioner.scheme.SchemePlan;
import dev.halp.partitioner.scheme.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReliabilityStudyTest {

    @Test
    void hitRatiosAreSeededMonotoneAndFavourHalpAtStrictDeadlines() {
        FlopProfile xavier = new FlopProfile("xavier", 1000, 100, 0.03, 4);
        GilbertElliottChannel channel = new GilbertElliottChannel(2000, 200, 0.1, 0.4);
        Cluster c = Cluster.uniform(xavier, xavier, 2, new Link(channel.meanMbps(), 0.1));
        Workload w = Workload.single(Models.vgg16(), 224, 224);
        SchemePlan halp = new HalpScheme().plan(w, c);
        SchemePlan local = new LocalScheme().plan(w, c);
        ReliabilityStudy study = new ReliabilityStudy(c, channel, 200, 42);
        assertArrayEquals(study.finishTimes(halp.plan()), new ReliabilityStudy(c, channel, 200, 42)
                .finishTimes(halp.plan()));
        double[] deadlines = {10, 20, local.finishMs() - 1, local.finishMs(), 1000};
        List<ReliabilityStudy.Point> h = study.curve("halp", halp.plan(), deadlines);
        List<ReliabilityStudy.Point> l = study.curve("local", local.plan(), deadlines);
        for (int i = 1; i < deadlines.length; i++) {
            assertTrue(h.get(i).hitRatio() >= h.get(i - 1).hitRatio());
        }
        assertEquals(0.0, l.get(2).hitRatio());
        assertEquals(1.0, l.get(3).hitRatio());
        assertTrue(h.get(2).hitRatio() > 0.5, "HALP meets a deadline just under local time: " + h.get(2));
        assertEquals(1.0, h.get(4).hitRatio());
    }

    /**
     * Choosing per frame from the last measured rates is never worse than the better of Local and HALP (beyond
     * Monte Carlo noise), on a memoryless channel and on a bursty one; on the bursty one it knows after a bad
     * frame that the next is likely bad too.
     */
    @Test
    void theDeadlineAwareChoiceIsNeverBehindTheBetterFixedScheme() {
        FlopProfile xavier = new FlopProfile("xavier", 1000, 100, 0.03, 4);
        Workload w = Workload.single(Models.vgg16(), 224, 224);
        for (ChannelModel channel : List.of(new GilbertElliottChannel(2000, 200, 0.1, 0.4),
                new RayleighChannel(200, 15, 2000))) {
            Cluster c = Cluster.uniform(xavier, xavier, 2, new Link(channel.meanMbps(), 0.1));
            SchemePlan halp = new HalpScheme().plan(w, c);
            SchemePlan local = new LocalScheme().plan(w, c);
            ReliabilityStudy study = new ReliabilityStudy(c, channel, 300, 7);
            double[] deadlines = {16, 20, 24, 30, local.finishMs() - 0.5, local.finishMs() + 1, 40, 50};
            List<ReliabilityStudy.Point> h = study.curve("halp", halp.plan(), deadlines);
            List<ReliabilityStudy.Point> l = study.curve("local", local.plan(), deadlines);
            List<ReliabilityStudy.Point> a = study.deadlineAware("aware", List.of(local.plan(), halp.plan()), deadlines);
            for (int i = 0; i < deadlines.length; i++) {
                double best = Math.max(h.get(i).hitRatio(), l.get(i).hitRatio());
                assertTrue(a.get(i).hitRatio() >= best - 0.01, channel + " at " + deadlines[i] + " ms: aware "
                        + a.get(i).hitRatio() + ", local " + l.get(i).hitRatio() + ", halp " + h.get(i).hitRatio());
            }
            assertEquals(1.0, a.get(5).hitRatio(), "Local always meets a deadline above its time: chosen");
        }
    }
}
