package dev.halp.partitioner.plan;

import dev.halp.partitioner.RandomGraphs;
import dev.halp.partitioner.RandomStacks;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For random stacks, heights, block cuts and numbers of secondaries, every participant executes its
 * pieces from only the rows it holds plus the rows the plan's transfers bring it, and the stitched output
 * equals whole-signal inference exactly. Secondaries receive rows only from the host.
 */
class PlanExecutionPropertyTest {

    private static final int CASES = 1500;

    @Test
    void plansStitchBackToTheWholeSignal() {
        Random rnd = new Random(7);
        int checked = 0;
        while (checked < CASES) {
            long seed = rnd.nextLong();
            Random r = new Random(seed);
            ModelSpec model = RandomStacks.stack(r, 8);
            int height = 1 + r.nextInt(400);
            if (!model.fits(height)) {
                continue;
            }
            List<Integer> ends = new ArrayList<>();
            for (int l = 1; l < model.features().size(); l++) {
                if (r.nextInt(3) == 0) {
                    ends.add(l);
                }
            }
            List<FusedBlock> blocks = FusedBlocks.fromEnds(model, ends);
            int secondaries = 1 + r.nextInt(8);
            SegmentPlan plan = ProportionalSplit.equal(model, height, height, blocks, secondaries);
            check(plan, seed);
            checked++;
        }
    }

    /**
     * The same for random residual graphs (random geometry on both branches), cut into pieces at their cut
     * points: every plan's blocks end where branches have joined, and a block's slice runs node by node.
     */
    @Test
    void residualPlansStitchBackToTheWholeSignal() {
        SplittableRandom random = new SplittableRandom(11);
        int checked = 0;
        while (checked < 600) {
            long seed = random.nextLong();
            Random r = new Random(seed);
            ModelSpec model = RandomGraphs.residual(random).toModel();
            int height = 1 + r.nextInt(300);
            if (!model.fits(height)) {
                continue;
            }
            List<Integer> ends = new ArrayList<>();
            for (int l = 1; l < model.features().size(); l++) {
                if (r.nextBoolean()) {
                    ends.add(l);
                }
            }
            check(ProportionalSplit.equal(model, height, height, FusedBlocks.fromEnds(model, ends), 1 + r.nextInt(6)),
                    seed);
            checked++;
        }
    }

    static void check(SegmentPlan plan, long seed) {
        ModelSpec model = plan.model();
        OneDimensionalNet net = new OneDimensionalNet(model, seed);
        double[] frame = new Random(seed ^ 0x5DEECE66DL).doubles(plan.height(), -1, 1).toArray();
        double[] whole = net.forward(frame, 0, model.features().size());

        // rows each participant holds, by row index of the current block's input
        Map<Participant, Map<Integer, Double>> held = new HashMap<>();
        Map<Integer, Double> frameRows = new HashMap<>();
        for (int i = 0; i < frame.length; i++) {
            frameRows.put(i, frame[i]);
        }
        held.put(Participant.HOST, frameRows);
        for (int b = 0; b <= plan.blocks().size(); b++) {
            Map<Participant, Map<Integer, Double>> received = new HashMap<>();
            for (Transfer t : plan.transfers(b)) {
                if (!t.to().isHost()) {
                    assertTrue(t.from().isHost(), "seed " + seed + ": secondary to secondary transfer " + t);
                }
                Map<Integer, Double> src = held.getOrDefault(t.from(), Map.of());
                for (int row = t.rows().start(); row < t.rows().end(); row++) {
                    assertTrue(src.containsKey(row), "seed " + seed + ": " + t.from() + " sends row " + row
                            + " it does not hold");
                    received.computeIfAbsent(t.to(), k -> new HashMap<>()).put(row, src.get(row));
                }
            }
            received.forEach((p, rows) -> held.computeIfAbsent(p, k -> new HashMap<>()).putAll(rows));
            if (b == plan.blocks().size()) {
                break;
            }
            Map<Participant, Map<Integer, Double>> next = new HashMap<>();
            for (Piece piece : plan.blocks().get(b).pieces()) {
                if (piece.rows().isEmpty()) {
                    continue;
                }
                List<LayerStep> steps = plan.program(b, piece);
                RowRange in = steps.get(0).inputRows();
                Map<Integer, Double> mine = held.getOrDefault(piece.owner(), Map.of());
                double[] x = new double[in.size()];
                for (int row = in.start(); row < in.end(); row++) {
                    assertTrue(mine.containsKey(row), "seed " + seed + ": " + piece + " in block " + b
                            + " lacks input row " + row);
                    x[row - in.start()] = mine.get(row);
                }
                for (LayerStep step : steps) {
                    x = net.step(step, x);
                    assertEquals(step.outputRows().size(), x.length);
                }
                for (int row = piece.rows().start(); row < piece.rows().end(); row++) {
                    next.computeIfAbsent(piece.owner(), k -> new HashMap<>()).put(row, x[row - piece.rows().start()]);
                }
            }
            held.clear();
            held.putAll(next);
        }
        Map<Integer, Double> result = held.get(Participant.HOST);
        assertFalse(result == null, "seed " + seed + ": host holds nothing at the end");
        double[] stitched = new double[whole.length];
        for (int row = 0; row < whole.length; row++) {
            assertTrue(result.containsKey(row), "seed " + seed + ": host lacks final row " + row);
            stitched[row] = result.get(row);
        }
        assertArrayEquals(whole, stitched, 0.0, "seed " + seed + "\n" + plan);
    }
}
