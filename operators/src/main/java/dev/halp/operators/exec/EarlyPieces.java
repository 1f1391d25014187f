package dev.halp.operators.exec;

import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.RowRanges;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.util.MonotoneSearch;

import java.util.ArrayList;
import java.util.List;

/**
 * One participant's pieces of one block of one frame, computed as their input rows arrive rather than all at
 * once after the last rows are in. A piece whose input rows are all held is computed whole. A piece whose
 * input is partly held first computes its interior, the largest run of its output rows whose input lies within
 * one run of rows already held, and its top and bottom borders once the rest is in. So a participant that holds
 * its own rows from the previous block computes while its neighbours' rows are on the way (the simulator's
 * interior-first), instead of idling at every block boundary; the borders recompute a few halo rows.
 *
 * <p>Every part is computed by its own slice program, and slices are exact, so the output is bit for bit what
 * computing each piece whole gives.
 */
public final class EarlyPieces {

    private record Chunk(RowRange rows, TensorBytes data) { }

    private final SegmentPlan plan;
    private final int block;
    private final List<StageView.Work> work;
    /** Per piece: the output rows computed so far (one run), empty before its first part. */
    private final RowRange[] done;
    private final List<Chunk> chunks = new ArrayList<>();
    private int rowsComputed;
    private double computeMs;

    public EarlyPieces(SegmentPlan plan, int block, List<StageView.Work> work) {
        this.plan = plan;
        this.block = block;
        this.work = work;
        this.done = new RowRange[work.size()];
        java.util.Arrays.fill(done, RowRange.EMPTY);
    }

    /**
     * Computes every piece, interior or border that the rows in {@code held} now allow, interiors only from
     * {@code own} rows (its own output of the previous block: rows from others come in all at once, and a sliver
     * of a piece computed from them alone costs more than it saves); returns whether it computed anything. Once
     * {@code held} covers every piece's input, every piece is complete.
     */
    public boolean advance(RowStore held, List<RowRange> own, CnnModel model) {
        List<RowRange> have = RowRanges.union(held.ranges());
        List<RowRange> ownRuns = RowRanges.union(own);
        boolean any = false;
        for (int i = 0; i < work.size(); i++) {
            StageView.Work w = work.get(i);
            RowRange rows = w.piece().rows();
            if (done[i].equals(rows)) {
                continue;
            }
            if (within(have, w.steps().get(0).inputRows())) {
                if (done[i].isEmpty()) {
                    compute(i, rows, w.steps(), held, model);
                } else {
                    compute(i, RowRange.of(rows.start(), done[i].start()), null, held, model);
                    compute(i, RowRange.of(done[i].end(), rows.end()), null, held, model);
                }
                any = true;
            } else if (done[i].isEmpty()) {
                RowRange interior = interior(w.piece(), ownRuns);
                if (!interior.isEmpty()) {
                    compute(i, interior, null, held, model);
                    any = true;
                }
            }
        }
        return any;
    }

    public boolean complete() {
        for (int i = 0; i < work.size(); i++) {
            if (!done[i].equals(work.get(i).piece().rows())) {
                return false;
            }
        }
        return true;
    }

    /** Every computed part's output rows into {@code out}. */
    public void outputInto(RowStore out) {
        chunks.forEach(c -> out.put(c.rows(), c.data()));
    }

    /** Output rows computed, summed over the block's layers (a piece's halo rows included). */
    public int rowsComputed() {
        return rowsComputed;
    }

    /** Wall time spent computing, in milliseconds. */
    public double computeMs() {
        return computeMs;
    }

    /** Whether some piece was computed in parts (an interior before its borders). */
    public boolean split() {
        return chunks.size() > work.size();
    }

    private void compute(int i, RowRange rows, List<LayerStep> program, RowStore held, CnnModel model) {
        if (rows.isEmpty()) {
            return;
        }
        List<LayerStep> steps = program != null ? program : program(work.get(i).piece(), rows);
        long t0 = System.nanoTime();
        chunks.add(new Chunk(rows, model.slice(held.take(steps.get(0).inputRows()), steps)));
        computeMs += (System.nanoTime() - t0) / 1e6;
        rowsComputed += steps.stream().mapToInt(s -> s.outputRows().size()).sum();
        done[i] = done[i].isEmpty() ? rows : RowRange.of(Math.min(done[i].start(), rows.start()),
                Math.max(done[i].end(), rows.end()));
    }

    private List<LayerStep> program(Piece piece, RowRange rows) {
        return plan.program(block, new Piece(piece.owner(), rows));
    }

    /** The largest run of the piece's rows whose input lies within one held run (inputs grow with rows). */
    private RowRange interior(Piece piece, List<RowRange> have) {
        RowRange rows = piece.rows();
        RowRange best = RowRange.EMPTY;
        for (RowRange h : have) {
            int a = MonotoneSearch.first(rows.start(), rows.end(), r -> need(piece, r).start() >= h.start());
            int e = MonotoneSearch.first(a, rows.end(), r -> need(piece, r).end() > h.end());
            if (e - a > best.size()) {
                best = RowRange.of(a, e);
            }
        }
        return best;
    }

    private RowRange need(Piece piece, int row) {
        return program(piece, RowRange.of(row, row + 1)).get(0).inputRows();
    }

    private static boolean within(List<RowRange> have, RowRange need) {
        return have.stream().anyMatch(h -> h.contains(need));
    }
}
