package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 2-layer net (two 3x3 convolutions, padding 1, one channel, 8x4 frame), 1 host + 2 secondaries, each
 * layer costing 1 ms per row it runs on and each row (4 fp32 values = 128 bits) taking 1 ms on a
 * 0.128 Mbps link with 0.5 ms latency. Every interval below was computed by hand.
 */
class HandComputedTimelineTest {

    private static final ModelSpec NET = new ModelSpec("two-conv", 1, List.of(
            new Conv2dSpec("features.0", 1, 1, 3, 1, 1, 1, 1, false),
            new Conv2dSpec("features.1", 1, 1, 3, 1, 1, 1, 1, false)), List.of());

    /** 1 ms per row, whatever the layer. */
    private static final DeviceProfile ROW_PER_MS = new DeviceProfile() {
        @Override
        public String name() {
            return "row-per-ms";
        }

        @Override
        public LayerTimes times(ModelSpec model, int height, int width, int batch) {
            return new LayerTimes(DeviceProfile.maxRows(model, height), (l, rows) -> rows);
        }
    };

    private static final Cluster CLUSTER = Cluster.uniform(ROW_PER_MS, ROW_PER_MS, 2, new Link(0.128, 0.5));

    /** Block 0: S0 [0,3) | Z [3,5) | S1 [5,8); block 1: S0 [0,4) | S1 [4,8). */
    private static SegmentPlan plan() {
        Participant s0 = Participant.secondary(0);
        Participant s1 = Participant.secondary(1);
        return new SegmentPlan(NET, 8, 4, 2, List.of(
                new BlockPlan(new FusedBlock(0, 1), List.of(new Piece(s0, RowRange.of(0, 3)),
                        new Piece(Participant.HOST, RowRange.of(3, 5)), new Piece(s1, RowRange.of(5, 8)))),
                new BlockPlan(new FusedBlock(1, 2), List.of(new Piece(s0, RowRange.of(0, 4)),
                        new Piece(s1, RowRange.of(4, 8)))))).validate();
    }

    private static void assertInterval(Timeline t, int op, String label, double start, double end, double done) {
        Timeline.Interval i = t.interval(op);
        assertEquals(label, i.label());
        assertEquals(start, i.start(), 1e-9, label + " start");
        assertEquals(end, i.end(), 1e-9, label + " end");
        assertEquals(done, i.done(), 1e-9, label + " done");
    }

    /**
     * With exchanges costing the devices 1 ms per row (16 bytes) at each end, the host first takes the frame in
     * (written out and read back: 2 x 8 rows = 16 ms), every transfer is written out by its sender's device right
     * before the link carries it and read in by its receiver's device as soon as it arrives, and the piece that
     * needs the rows waits for that.
     */
    @Test
    void exchangesBusyTheSenderBeforeAndTheReceiverAfterTheLink() {
        Cluster costly = new Cluster(ROW_PER_MS, List.of(ROW_PER_MS, ROW_PER_MS), CLUSTER.network(), 4, 4,
                1e6 / 16);
        Timeline t = new PlanSimulator(costly, false).run(plan(), 1);
        List<Timeline.Interval> all = t.intervals();
        Timeline.Interval intake = all.stream().filter(i -> i.label().equals("frame intake")).findFirst().orElseThrow();
        assertEquals(0, intake.start(), 1e-9);
        assertEquals(16, intake.end(), 1e-9);
        assertEquals(Resources.device(Participant.HOST), intake.resource());
        for (Timeline.Interval link : all.stream().filter(i -> i.resource() == Resources.HOST_UPLINK
                || i.resource() == Resources.HOST_DOWNLINK).toList()) {
            List<Timeline.Interval> same = all.stream().filter(i -> i.label().equals(link.label())).toList();
            assertEquals(3, same.size(), "sender, link and receiver for " + link.label());
            Timeline.Interval send = same.get(0);
            Timeline.Interval receive = same.get(2);
            double rows = link.end() - link.start(); // 1 ms per row on this link
            assertEquals(rows, send.end() - send.start(), 1e-9, link.label());
            assertEquals(rows, receive.end() - receive.start(), 1e-9, link.label());
            assertTrue(send.end() <= link.start() + 1e-9 && receive.start() >= link.done() - 1e-9, link.label());
        }
        assertTrue(t.makespan() > new PlanSimulator(CLUSTER, false).run(plan(), 1).makespan() + 16);
    }

    @Test
    void wholePiecesWaitForTheirHalos() {
        Timeline t = new PlanSimulator(CLUSTER, false).run(plan(), 1);
        // frame rows [0,4) and [4,8) queue on the host's uplink, 4 ms each, +0.5 ms latency
        assertInterval(t, 0, "b0 host->secondary 0 [0,4)", 0, 4, 4.5);
        assertInterval(t, 1, "b0 host->secondary 1 [4,8)", 4, 8, 8.5);
        // S0 runs on 1 pad + 4 rows, S1 on 4 rows + 1 pad, the zone on rows [2,6) without padding
        assertInterval(t, 2, "b0 S0[0,3)", 4.5, 9.5, 9.5);
        assertInterval(t, 3, "b0 S1[5,8)", 8.5, 13.5, 13.5);
        assertInterval(t, 4, "b0 Z[3,5)", 0, 4, 4);
        // the zone's rows go to both secondaries once the uplink is free (8 ms)
        assertInterval(t, 5, "b1 host->secondary 0 [3,5)", 8, 10, 10.5);
        assertInterval(t, 6, "b1 host->secondary 1 [3,5)", 10, 12, 12.5);
        assertInterval(t, 7, "b1 S0[0,4)", 10.5, 16.5, 16.5);
        assertInterval(t, 8, "b1 S1[4,8)", 13.5, 19.5, 19.5);
        // the gather queues on the host's downlink
        assertInterval(t, 9, "b2 secondary 0->host [0,4)", 16.5, 20.5, 21);
        assertInterval(t, 10, "b2 secondary 1->host [4,8)", 20.5, 24.5, 25);
        assertEquals(25, t.makespan(), 1e-9);
    }

    @Test
    void interiorFirstComputesOwnRowsWhileTheHaloTravels() {
        Timeline t = new PlanSimulator(CLUSTER, true).run(plan(), 1);
        // S0's interior [0,2) needs rows [0,3), which it holds: 1 pad + 3 rows = 4 ms right after block 0
        assertInterval(t, 7, "b1 S0[0,4) interior [0,2)", 9.5, 13.5, 13.5);
        // borders: 6 - 4 rows more, plus one row's fixed cost = 3 ms
        assertInterval(t, 8, "b1 S0[0,4) borders", 13.5, 16.5, 16.5);
        // S1 falls free at 13.5, after its halo arrived (12.5): splitting would only pay the fixed cost twice,
        // so it runs the whole piece in one pass (rows [3,8) + 1 pad = 6 ms) and the borders pass is empty
        assertInterval(t, 9, "b1 S1[4,8) interior [6,8)", 13.5, 19.5, 19.5);
        assertInterval(t, 10, "b1 S1[4,8) borders", 19.5, 19.5, 19.5);
        assertInterval(t, 12, "b2 secondary 1->host [4,8)", 20.5, 24.5, 25);
        assertEquals(25, t.makespan(), 1e-9);
    }

    @Test
    void theSecondTaskFillsTheLinkBehindTheFirst() {
        Timeline t = new PlanSimulator(CLUSTER, false).run(plan(), 2);
        // task 1's frame rows are sent while task 0 computes, after task 0's zone rows (8-12), which
        // become ready later but belong to the earlier task
        assertInterval(t, 11, "b0 host->secondary 0 [0,4)", 12, 16, 16.5);
        assertInterval(t, 15, "b0 Z[3,5)", 4, 8, 8);
        assertEquals(1, t.interval(11).task());
        assertEquals(25, t.finish(0), 1e-9, "task 0 is not delayed by task 1");
        assertEquals(t.makespan(), t.finish(1), 1e-9);
    }
}
