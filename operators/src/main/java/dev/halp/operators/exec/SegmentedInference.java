package dev.halp.operators.exec;

import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.plan.Transfer;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a segment plan in one process with the streaming job's own executor: every participant runs, block
 * by block, exactly what {@link StageView} gives the job's block stage (its pieces from the rows it received,
 * then its sends), the split's block-0 rows come from the frame as the split sends them, and MoDNN's exchanges
 * go through the host as its relay stage does. Rows that cross between participants are copied, as if
 * serialised. The result is the stitched feature map and the head's output, for comparison with whole-frame
 * inference.
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
        int blocks = plan.blocks().size();
        int participants = plan.secondaries() + 1;
        Mail mail = new Mail(blocks + 1);
        // the split: every participant gets the frame rows its block-0 pieces read
        for (int me = 0; me < participants; me++) {
            for (RowRange r : StageView.of(plan, 0, me).needs) {
                mail.send(0, 0, me, r, frame.rows(r.start(), r.end()));
            }
        }
        List<PieceRun> runs = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            if (plan.exchange() == SegmentPlan.Exchange.VIA_HOST && b > 0) {
                relay(plan, b, mail);
            }
            for (int me = 0; me < participants; me++) {
                StageView view = StageView.of(plan, b, me);
                RowStore held = mail.inbox(b, me);
                RowStore output = new RowStore();
                for (StageView.Work w : view.work) {
                    RowRange in = w.steps().get(0).inputRows();
                    long t0 = System.nanoTime();
                    output.put(w.piece().rows(), model.slice(held.take(in), w.steps()));
                    double ms = (System.nanoTime() - t0) / 1e6;
                    int computed = w.steps().stream().mapToInt(s -> s.outputRows().size()).sum();
                    runs.add(new PieceRun(b, w.piece(), in, computed, ms));
                }
                for (StageView.Send s : view.sends) {
                    mail.send(s.nextBlock(), me, s.to(), s.rows(), output.take(s.rows()));
                }
            }
        }
        TensorBytes features = mail.inbox(blocks, 0).take(RowRange.of(0, plan.outputHeight(blocks - 1)));
        float[][] scores = model.head(features);
        return new Result(features, scores, runs, mail.bytes, (System.nanoTime() - start) / 1e6);
    }

    /** MoDNN before block {@code b}: the host, holding every row, sends each piece its input rows. */
    private static void relay(SegmentPlan plan, int b, Mail mail) {
        RowStore gathered = mail.inbox(b, 0);
        mail.clear(b);
        for (Piece piece : plan.blocks().get(b).pieces()) {
            if (!piece.rows().isEmpty()) {
                RowRange rows = plan.inputRows(b, piece);
                mail.send(b, 0, piece.owner().number(), rows, gathered.take(rows));
            }
        }
    }

    /** What each participant has received for each block, and the bytes that crossed between participants. */
    private static final class Mail {
        private final List<Map<Integer, RowStore>> inboxes = new ArrayList<>();
        final Map<Transfer, Long> bytes = new LinkedHashMap<>();

        Mail(int blocks) {
            for (int b = 0; b < blocks; b++) {
                inboxes.add(new HashMap<>());
            }
        }

        void send(int block, int from, int to, RowRange rows, TensorBytes t) {
            TensorBytes received = t;
            if (from != to) {
                // a copy of the bytes, as if serialised onto the wire
                received = new TensorBytes(t.shape(), t.data().clone());
                bytes.merge(new Transfer(block, Participant.ofNumber(from), Participant.ofNumber(to), rows),
                        (long) t.data().length, Long::sum);
            }
            inbox(block, to).put(rows, received);
        }

        RowStore inbox(int block, int participant) {
            return inboxes.get(block).computeIfAbsent(participant, k -> new RowStore());
        }

        void clear(int block) {
            inboxes.set(block, new HashMap<>());
        }
    }
}
