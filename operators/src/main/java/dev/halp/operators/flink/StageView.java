package dev.halp.operators.flink;

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
 * programs, and where its output rows go next (itself, others, or the final gather). Computed once per
 * plan spec and cached by the stage.
 */
final class StageView {

    record Work(Piece piece, List<LayerStep> steps) { }

    /** Rows of this block's output to send: to a participant, for block {@code nextBlock}. */
    record Send(int to, int nextBlock, RowRange rows) { }

    final List<RowRange> needs;
    final List<Work> work;
    final List<Send> sends;

    private StageView(List<RowRange> needs, List<Work> work, List<Send> sends) {
        this.needs = needs;
        this.work = work;
        this.sends = sends;
    }

    static StageView of(SegmentPlan plan, int block, int me) {
        if (block >= plan.blocks().size()) {
            return new StageView(List.of(), List.of(), List.of()); // a stage past the plan's last block
        }
        List<RowRange> needs = new ArrayList<>();
        List<Work> work = new ArrayList<>();
        for (Piece piece : plan.blocks().get(block).pieces()) {
            if (!piece.rows().isEmpty() && Participants.index(piece.owner()) == me) {
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
                if (Participants.index(t.from()) == me) {
                    sends.add(new Send(Participants.index(t.to()), next, t.rows()));
                }
            }
        }
        return new StageView(RowRanges.union(needs), work, sends);
    }
}
