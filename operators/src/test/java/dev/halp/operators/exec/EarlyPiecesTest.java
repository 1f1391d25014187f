package dev.halp.operators.exec;

import dev.halp.operators.Frames;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.RowRanges;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pieces computed as their rows arrive (own rows first, then each neighbour's, one run at a time) equal the
 * whole-frame layers' rows exactly, and the interior path is taken: a participant holding its own rows
 * computes part of a piece before the halo is in.
 */
class EarlyPiecesTest {

    private static final FlopProfile SLOW = new FlopProfile("slow", 500, 50, 0.05, 4);

    @ParameterizedTest(name = "{0} {1}x{2}, {3} secondaries")
    @CsvSource({"vgg16,224,224,2", "vgg11,163,120,3", "resnet18,224,224,2"})
    void piecesComputedAsRowsArriveEqualTheWholeFrame(String name, int height, int width, int secondaries) {
        ModelSpec spec = Models.byName(name);
        Cluster cluster = Cluster.uniform(SLOW, SLOW, secondaries, new Link(10000, 0.1));
        SegmentPlan plan = Schemes.byName("halp").plan(Workload.single(spec, height, width), cluster).plan();
        TensorBytes frame = Frames.random(5, 3, height, width);
        int splitPieces = 0;
        try (CnnModel model = CnnModel.builder().setSpec(spec).optSeed(3).optThreads(1).build()) {
            for (int b = 0; b < plan.blocks().size(); b++) {
                var fb = plan.blocks().get(b).block();
                TensorBytes in = fb.first() == 0 ? frame : model.features(frame, 0, fb.first());
                TensorBytes out = model.features(frame, 0, fb.last());
                for (int me = 0; me <= plan.secondaries(); me++) {
                    StageView view = StageView.of(plan, b, me);
                    if (view.work.isEmpty()) {
                        continue;
                    }
                    List<RowRange> own = plan.heldBefore(b, Participant.ofNumber(me));
                    List<RowRange> ownNeeded = new ArrayList<>();
                    for (RowRange n : view.needs) {
                        own.forEach(o -> ownNeeded.add(o.intersect(n)));
                    }
                    ownNeeded.removeIf(RowRange::isEmpty);
                    EarlyPieces pieces = new EarlyPieces(plan, b, view.work);
                    RowStore held = new RowStore();
                    ownNeeded.forEach(r -> held.put(r, in.rows(r.start(), r.end())));
                    pieces.advance(held, ownNeeded, model);
                    for (RowRange n : view.needs) {
                        for (RowRange r : RowRanges.subtract(List.of(n), ownNeeded)) {
                            held.put(r, in.rows(r.start(), r.end()));
                            pieces.advance(held, ownNeeded, model);
                        }
                    }
                    assertTrue(pieces.complete(), "block " + b + ", participant " + me);
                    splitPieces += pieces.split() ? 1 : 0;
                    RowStore output = new RowStore();
                    pieces.outputInto(output);
                    for (StageView.Work w : view.work) {
                        RowRange r = w.piece().rows();
                        assertEquals(0f, out.rows(r.start(), r.end()).maxAbsDiff(output.take(r)),
                                "block " + b + " " + w.piece() + " of " + plan);
                    }
                }
            }
        }
        assertTrue(splitPieces > 0, "no piece was computed in parts: " + plan);
    }
}
