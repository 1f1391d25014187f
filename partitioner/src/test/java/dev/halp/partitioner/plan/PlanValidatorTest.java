package dev.halp.partitioner.plan;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanValidatorTest {

    private final ModelSpec vgg = Models.vgg16();
    private final List<FusedBlock> stages = FusedBlocks.perStage(vgg);

    private static Piece s(int i, int a, int b) {
        return new Piece(Participant.secondary(i), RowRange.of(a, b));
    }

    private static Piece z(int a, int b) {
        return new Piece(Participant.HOST, RowRange.of(a, b));
    }

    /** Two secondaries, a zone of {@code zone} rows in the middle of every block. */
    private SegmentPlan twoWay(int zone) {
        int[] h = vgg.heights(224);
        List<BlockPlan> blocks = stages.stream().map(fb -> {
            int rows = h[fb.last()];
            int mid = rows / 2;
            int a = mid - zone / 2;
            return new BlockPlan(fb, List.of(s(0, 0, a), z(a, a + zone), s(1, a + zone, rows)));
        }).toList();
        return new SegmentPlan(vgg, 224, 224, 2, blocks);
    }

    private static String message(SegmentPlan plan) {
        return assertThrows(IllegalArgumentException.class, plan::validate).getMessage();
    }

    @Test
    void wideEnoughZonesPass() {
        twoWay(6).validate();
    }

    @Test
    void narrowZoneIsReportedWithTheRowsToAdd() {
        String m = message(twoWay(1));
        assertTrue(m.contains("widen the zone"), m);
        assertTrue(m.contains("needs rows"), m);
    }

    @Test
    void gapsOverlapsAndShortTilingsAreReported() {
        FusedBlock b0 = stages.get(0);
        List<BlockPlan> rest = twoWay(6).blocks().subList(1, 5);
        SegmentPlan gap = new SegmentPlan(vgg, 224, 224, 2, concat(new BlockPlan(b0, List.of(s(0, 0, 50), s(1, 60, 112))), rest));
        assertTrue(message(gap).contains("gap"), message(gap));
        SegmentPlan overlap = new SegmentPlan(vgg, 224, 224, 2, concat(new BlockPlan(b0, List.of(s(0, 0, 60), s(1, 50, 112))), rest));
        assertTrue(message(overlap).contains("overlap"), message(overlap));
        SegmentPlan shortPlan = new SegmentPlan(vgg, 224, 224, 2, concat(new BlockPlan(b0, List.of(s(0, 0, 50), s(1, 50, 100))), rest));
        assertTrue(message(shortPlan).contains("outputs 112 rows"), message(shortPlan));
    }

    @Test
    void missingBlocksUnknownAndRepeatedSecondariesAreReported() {
        SegmentPlan missing = new SegmentPlan(vgg, 224, 224, 2, twoWay(6).blocks().subList(0, 4));
        assertTrue(message(missing).contains("31 feature layers"), message(missing));
        List<BlockPlan> rest = twoWay(6).blocks().subList(1, 5);
        SegmentPlan unknown = new SegmentPlan(vgg, 224, 224, 2, concat(new BlockPlan(stages.get(0), List.of(s(0, 0, 50), s(5, 50, 112))), rest));
        assertTrue(message(unknown).contains("does not exist"), message(unknown));
        SegmentPlan twice = new SegmentPlan(vgg, 224, 224, 2, concat(new BlockPlan(stages.get(0), List.of(s(0, 0, 50), z(50, 56), s(0, 56, 112))), rest));
        assertTrue(message(twice).contains("more than one segment"), message(twice));
    }

    @Test
    void proportionalSplitTransfersOnlyBetweenHostAndSecondaries() {
        SegmentPlan plan = ProportionalSplit.equal(vgg, 224, 224, stages, 3);
        for (int b = 0; b <= plan.blocks().size(); b++) {
            for (Transfer t : plan.transfers(b)) {
                assertTrue(t.from().isHost() || t.to().isHost(), t.toString());
            }
        }
        // block 0: the host sends each secondary exactly the frame rows its segment needs
        List<Transfer> first = plan.transfers(0);
        assertEquals(3, first.size());
        assertEquals(3, plan.transfers(plan.blocks().size()).size());
    }

    private static List<BlockPlan> concat(BlockPlan first, List<BlockPlan> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toList();
    }
}
