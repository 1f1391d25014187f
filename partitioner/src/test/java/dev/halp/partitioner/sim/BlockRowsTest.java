package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tabulated receptive fields and transfers agree with slice programs and {@link SegmentPlan#transfers}. */
class BlockRowsTest {

    private static final FlopProfile XAVIER = new FlopProfile("xavier", 1000, 100, 0.03, 4);

    @Test
    void tablesMatchSlicePrograms() {
        Random rnd = new Random(3);
        for (ModelSpec model : List.of(Models.vgg16(), Models.tiny(), Models.mobileNetV1())) {
            int height = model == Models.tiny() ? 37 : 224;
            int[] heights = model.heights(height);
            LayerTimes lt = XAVIER.times(model, height, height, 1);
            int layers = model.features().size();
            for (int trial = 0; trial < 300; trial++) {
                int first = rnd.nextInt(layers);
                int last = first + 1 + rnd.nextInt(layers - first);
                int rows = heights[last];
                int s = rnd.nextInt(rows);
                int e = s + 1 + rnd.nextInt(rows - s);
                List<LayerStep> program = ReceptiveField.program(model, heights, first, last, RowRange.of(s, e));
                BlockRows block = RowCache.of(model, height).block(first, last);
                String what = model.name() + " [" + first + "," + last + ") rows [" + s + "," + e + ")";
                assertEquals(program.get(0).inputRows(), block.need(s, e), what);
                assertEquals(lt.millis(program), block.millis(lt, s, e), 1e-12, what);
            }
        }
    }

    @Test
    void haloTransfersMatchThePlansOwn() {
        ModelSpec vgg = Models.vgg16();
        for (double mbps : new double[] {300, 1000, 10000}) {
            for (int n : new int[] {1, 2, 4, 8}) {
                Cluster c = Cluster.uniform(XAVIER, XAVIER, n, new Link(mbps, 0.1));
                SegmentPlan plan = Schemes.byName("halp").plan(Workload.single(vgg, 224, 224), c).plan();
                PlanSimulator sim = new PlanSimulator(c, true);
                sim.run(plan, 1);
                for (int b = 0; b <= plan.blocks().size(); b++) {
                    assertEquals(plan.transfers(b), sim.haloTransfers(plan, b), mbps + " Mbps, " + n + " secondaries, block " + b);
                }
            }
        }
    }
}
