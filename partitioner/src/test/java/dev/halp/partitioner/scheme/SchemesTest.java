package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.cost.Network;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.plan.Transfer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemesTest {

    private static final FlopProfile XAVIER = new FlopProfile("xavier", 1000, 100, 0.03, 4);
    private static final ModelSpec VGG = Models.vgg16();

    @ParameterizedTest(name = "{0} Mbps")
    @ValueSource(doubles = {100, 1000, 10000})
    void halpIsNeverBehindModnnOrLocalAndItsPlansValidate(double mbps) {
        Cluster c = Cluster.uniform(XAVIER, XAVIER, 2, new Link(mbps, 0.1));
        Workload w = Workload.single(VGG, 224, 224);
        SchemePlan local = Schemes.byName("local").plan(w, c);
        SchemePlan modnn = Schemes.byName("modnn").plan(w, c);
        SchemePlan halp = Schemes.byName("halp").plan(w, c);
        assertEquals(1.0, local.speedup(), 1e-12);
        assertTrue(halp.finishMs() <= local.finishMs() + 1e-9);
        assertTrue(halp.finishMs() <= modnn.finishMs() + 1e-9);
        for (SchemePlan p : List.of(local, modnn, halp)) {
            p.plan().validate();
        }
    }

    @Test
    void aCostPerBlockGivesFewerLongerBlocksAndAHigherLinkFactorNoMore() {
        Cluster c = Cluster.uniform(XAVIER, XAVIER, 2, new Link(1000, 0.1));
        Workload w = Workload.single(VGG, 448, 448);
        var times = new dev.halp.partitioner.cost.LayerTimes[3];
        java.util.Arrays.fill(times, XAVIER.times(VGG, 448, 448, 1));
        double local = times[0].millis(VGG, VGG.heights(448), 0, VGG.features().size());
        List<Integer> counts = BlockDp.choose(w, c, times, new double[] {1, 1, 1}, List.of(
                new BlockDp.Weighting(1, 0), new BlockDp.Weighting(1, 0.005 * local), new BlockDp.Weighting(1, 0.02 * local),
                new BlockDp.Weighting(1, 0.5 * local))).stream().map(List::size).toList();
        for (int i = 1; i < counts.size(); i++) {
            assertTrue(counts.get(i) <= counts.get(i - 1), "blocks by cost per block: " + counts);
        }
        assertTrue(counts.get(0) > counts.get(2), "a cost per block of 2 % of the frame removes blocks: " + counts);
        assertEquals(1, counts.get(3), "at half a frame per block, one block: " + counts);
    }

    @Test
    void halpUsesBothSecondariesOnAFastLinkAndNoneOnASlowOne() {
        Workload w = Workload.single(VGG, 224, 224);
        SchemePlan fast = new HalpScheme().plan(w, Cluster.uniform(XAVIER, XAVIER, 2, new Link(10000, 0.1)));
        assertEquals(2, fast.secondariesUsed());
        assertTrue(fast.speedup() > 2.0, "speedup " + fast.speedup());
        SchemePlan slow = new HalpScheme().plan(w, Cluster.uniform(XAVIER, XAVIER, 2, new Link(20, 0.1)));
        assertEquals(0, slow.secondariesUsed(), "a 20 Mbps link does not pay");
        assertEquals(1.0, slow.speedup(), 1e-12);
    }

    @Test
    void aSecondaryBehindASlowLinkIsLeftOut() {
        Cluster c = new Cluster(XAVIER, List.of(XAVIER, XAVIER),
                new Network(List.of(new Link(10000, 0.1), new Link(5, 0.1))), 4, 4);
        SchemePlan p = new HalpScheme().plan(Workload.single(VGG, 224, 224), c);
        assertEquals(1, p.secondariesUsed());
        assertTrue(p.plan().blocks().stream().flatMap(b -> b.pieces().stream())
                .noneMatch(piece -> !piece.isZone() && piece.owner().index() == 1));
    }

    @Test
    void fourTasksPipelineBetterThanOneAfterAnother() {
        Cluster c = Cluster.uniform(XAVIER, XAVIER, 2, new Link(1000, 0.1));
        Workload one = Workload.single(VGG, 224, 224);
        SchemePlan single = new HalpScheme().plan(one, c);
        SchemePlan batch = new HalpScheme().plan(one.withTasks(4), c);
        assertTrue(batch.finishMs() < 4 * single.finishMs(), batch.finishMs() + " vs 4 x " + single.finishMs());
        assertTrue(batch.meanLatencyMs() <= batch.finishMs());
    }

    @Test
    void modnnGathersEveryLayerOnTheHostAndRelaysHalos() {
        Cluster c = Cluster.uniform(XAVIER, XAVIER, 2, new Link(1000, 0.1));
        SegmentPlan plan = new ModnnScheme().plan(Workload.single(VGG, 224, 224), c).plan();
        assertEquals(SegmentPlan.Exchange.VIA_HOST, plan.exchange());
        assertEquals(18, plan.blocks().size());
        List<Transfer> t = plan.transfers(1);
        // first everything the secondaries computed goes to the host, then the host sends halos
        long gathers = t.stream().takeWhile(x -> x.to().isHost()).count();
        assertEquals(2, gathers);
        assertTrue(t.subList(2, t.size()).stream().allMatch(x -> x.from().isHost()));
        int gathered = t.stream().filter(x -> x.to().isHost()).mapToInt(x -> x.rows().size()).sum();
        int secondaryRows = plan.blocks().get(0).pieces().stream().filter(p -> !p.isZone())
                .mapToInt(p -> p.rows().size()).sum();
        assertEquals(secondaryRows, gathered);
    }

    @Test
    void viaHostPlansMayReadAnotherSecondarysRowsButHaloPlansMayNot() {
        List<Piece> pieces = ModnnScheme.split(224, new double[] {0, 1, 1});
        var blocks = dev.halp.partitioner.plan.FusedBlocks.perLayer(VGG).stream()
                .map(b -> new dev.halp.partitioner.plan.BlockPlan(b,
                        ModnnScheme.split(VGG.heights(224)[b.last()], new double[] {0, 1, 1}))).toList();
        assertEquals(2, pieces.size());
        new SegmentPlan(VGG, 224, 224, 2, blocks, SegmentPlan.Exchange.VIA_HOST).validate();
        String m = assertThrows(IllegalArgumentException.class,
                () -> new SegmentPlan(VGG, 224, 224, 2, blocks).validate()).getMessage();
        assertTrue(m.contains("widen the zone"), m);
    }

    /**
     * A device whose layer cost grows with the square of the rows makes a third of the frame look nine times
     * cheaper: the plan would predict more than three devices can give, so planning fails instead.
     */
    @Test
    void aPredictionAboveWhatTheDevicesAllowIsAnError() {
        Cluster c = Cluster.uniform(quadratic(10.0), quadratic(10.0), 2, new Link(100000, 0.01));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new HalpScheme().plan(Workload.single(VGG, 224, 224), c));
        assertTrue(e.getMessage().contains("more than the 3 devices allow together (3.00x"), e.getMessage());
        double plain = new HalpScheme().plan(Workload.single(VGG, 224, 224),
                Cluster.uniform(XAVIER, XAVIER, 2, new Link(100000, 0.01))).speedup();
        assertTrue(plain > 1 && plain <= 3, "additive costs plan normally: " + plain);
        // a frame computed in microseconds: its profile times the clock, and its plan is not refused
        Cluster tiny = Cluster.uniform(quadratic(1e6), quadratic(1e6), 2, new Link(1e9, 0));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> new HalpScheme().plan(Workload.single(VGG, 224, 224), tiny));
    }

    /** Costs quadratic in rows (divided by {@code divisor}): half a frame looks four times cheaper. */
    private static dev.halp.partitioner.cost.DeviceProfile quadratic(double divisor) {
        return new dev.halp.partitioner.cost.DeviceProfile() {
            @Override
            public String name() {
                return "quadratic";
            }

            @Override
            public dev.halp.partitioner.cost.LayerTimes times(dev.halp.partitioner.model.ModelSpec model, int height,
                                                              int width, int batch) {
                return new dev.halp.partitioner.cost.LayerTimes(
                        dev.halp.partitioner.cost.DeviceProfile.maxRows(model, height), (l, rows) -> rows * rows / divisor);
            }
        };
    }

    @Test
    void unknownSchemesAreNamed() {
        String m = assertThrows(IllegalArgumentException.class, () -> Schemes.byName("dpfp")).getMessage();
        assertTrue(m.contains("local, modnn, halp"), m);
        assertFalse(Schemes.all().isEmpty());
    }
}
