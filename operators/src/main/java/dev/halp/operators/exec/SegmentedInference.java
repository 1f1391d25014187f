package dev.halp.operators.exec;

import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.plan.Transfer;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a segment plan in one process exactly as the distributed job does: every secondary segment and
 * every host zone runs separately from the rows its participant holds, and only the rows the plan's
 * transfers name move between participants, as bytes. The result is the stitched feature map and the
 * head's output, for comparison with whole-frame inference.
 */
public final class SegmentedInference {

    /** One piece's run: block, piece, input rows read, rows computed over all its layers, time. */
    public record PieceRun(int block, Piece piece, RowRange inputRows, int rowsComputed, double millis) { }

    /** The outcome: stitched features, head output, per-piece runs and bytes moved per transfer. */
    public record Result(TensorBytes features, float[][] scores, List<PieceRun> pieces,
                         Map<Transfer, Long> transferBytes, double millis) {

        public long bytesMoved() {
            return transferBytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final CnnModel model;

    public SegmentedInference(CnnModel model) {
        this.model = model;
    }

    public Result run(SegmentPlan plan, TensorBytes frame) {
        if (frame.height() != plan.height() || frame.width() != plan.width()) {
            throw new IllegalArgumentException("frame is " + frame.height() + "x" + frame.width() + ", plan is for "
                    + plan.height() + "x" + plan.width());
        }
        long start = System.nanoTime();
        Map<Participant, RowStore> held = new HashMap<>();
        held.computeIfAbsent(Participant.HOST, k -> new RowStore()).put(RowRange.of(0, plan.height()), frame);
        List<PieceRun> runs = new ArrayList<>();
        Map<Transfer, Long> bytes = new java.util.LinkedHashMap<>();
        int blocks = plan.blocks().size();
        for (int b = 0; b < blocks; b++) {
            move(plan.transfers(b), held, bytes);
            Map<Participant, RowStore> next = new HashMap<>();
            BlockPlan bp = plan.blocks().get(b);
            for (Piece piece : bp.pieces()) {
                if (piece.rows().isEmpty()) {
                    continue;
                }
                List<LayerStep> steps = plan.program(b, piece);
                RowRange in = steps.get(0).inputRows();
                long t0 = System.nanoTime();
                TensorBytes out = model.slice(held.get(piece.owner()).take(in), steps);
                double ms = (System.nanoTime() - t0) / 1e6;
                int computed = steps.stream().mapToInt(s -> s.outputRows().size()).sum();
                runs.add(new PieceRun(b, piece, in, computed, ms));
                next.computeIfAbsent(piece.owner(), k -> new RowStore()).put(piece.rows(), out);
            }
            held = next;
        }
        move(plan.transfers(blocks), held, bytes);
        TensorBytes features = held.get(Participant.HOST).take(RowRange.of(0, plan.outputHeight(blocks - 1)));
        float[][] scores = model.head(features);
        return new Result(features, scores, runs, bytes, (System.nanoTime() - start) / 1e6);
    }

    /**
     * Applies transfers in list order, each from what its sender holds at that moment, so a plan may relay
     * rows through the host (gather, then scatter) as MoDNN does.
     */
    private static void move(List<Transfer> transfers, Map<Participant, RowStore> held, Map<Transfer, Long> bytes) {
        for (Transfer t : transfers) {
            RowStore from = held.get(t.from());
            if (from == null) {
                throw new IllegalStateException(t.from() + " holds nothing to send " + t);
            }
            // a copy of the bytes, as if serialised onto the wire
            TensorBytes sent = from.take(t.rows());
            TensorBytes received = new TensorBytes(sent.shape(), sent.data().clone());
            bytes.put(t, (long) received.data().length);
            held.computeIfAbsent(t.to(), k -> new RowStore()).put(t.rows(), received);
        }
    }
}
