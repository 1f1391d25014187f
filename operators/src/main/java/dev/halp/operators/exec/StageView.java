package dev.halp.operators.exec;

import dev.halp.partitioner.plan.RowRanges;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.plan.Transfer;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.List;

/**
 * What one participant does in one block of one plan: the input rows it needs, its pieces with their slice
 * programs, and where its output rows go next (itself, others, or the final gather). The streaming job's
 * block stages and {@link SegmentedInference} (what {@code verify} runs) both execute plans through it.
 * Participants are numbered as {@link dev.halp.partitioner.plan.Participant#number()}.
 */
public final class StageView {

    /** A piece this participant computes, with its slice program. */
    public record Work(Piece piece, List<LayerStep> steps) { }

    /** Rows of this block's output to send: to a participant, for block {@code nextBlock}. */
    public record Send(int to, int nextBlock, RowRange rows) { }

    /** The input rows its pieces read (merged). */
    public final List<RowRange> needs;
    public final List<Work> work;
    public final List<Send> sends;

    private StageView(List<RowRange> needs, List<Work> work, List<Send> sends) {
        this.needs = needs;
        this.work = work;
        this.sends = sends;
    }

    public static StageView of(SegmentPlan plan, int block, int me) {
        if (block >= plan.blocks().size()) {
            return new StageView(List.of(), List.of(), List.of()); // a stage past the plan's last block
        }
        List<RowRange> needs = new ArrayList<>();
        List<Work> work = new ArrayList<>();
        for (Piece piece : plan.blocks().get(block).pieces()) {
            if (!piece.rows().isEmpty() && piece.owner().number() == me) {
                List<LayerStep> steps = plan.program(block, piece);
                work.add(new Work(piece, steps));
                needs.add(steps.get(0).inputRows());
            }
        }
        List<Send> sends = new ArrayList<>();
        int next = block + 1;
        if (next == plan.blocks().size() || plan.exchange() == SegmentPlan.Exchange.VIA_HOST) {
            // the final gather, or MoDNN's: every output row goes to the host, which relays what others need
            work.forEach(w -> sends.add(new Send(0, next, w.piece().rows())));
        } else {
            // rows it keeps for its own next pieces, then the plan's transfers from it
            List<RowRange> nextNeeds = of(plan, next, me).needs;
            for (Work w : work) {
                for (RowRange n : nextNeeds) {
                    RowRange keep = w.piece().rows().intersect(n);
                    if (!keep.isEmpty()) {
                        sends.add(new Send(me, next, keep));
                    }
                }
            }
            for (Transfer t : plan.transfers(next)) {
                if (t.from().number() == me) {
                    sends.add(new Send(t.to().number(), next, t.rows()));
                }
            }
        }
        return new StageView(RowRanges.union(needs), work, sends);
    }
}
