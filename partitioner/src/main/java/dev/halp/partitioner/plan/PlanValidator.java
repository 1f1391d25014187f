package dev.halp.partitioner.plan;

import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The HALP rules a segment plan must follow, each broken rule reported in words. */
final class PlanValidator {

    private PlanValidator() {
    }

    static List<String> problems(SegmentPlan plan) {
        List<String> problems = new ArrayList<>();
        checkBlocks(plan, problems);
        if (!problems.isEmpty()) {
            return problems;
        }
        for (int b = 0; b < plan.blocks().size(); b++) {
            checkTiling(plan, b, problems);
            checkSecondaries(plan, b, problems);
        }
        if (problems.isEmpty() && plan.exchange() == SegmentPlan.Exchange.HALO) {
            for (int b = 1; b < plan.blocks().size(); b++) {
                checkHalos(plan, b, problems);
            }
        }
        return problems;
    }

    private static void checkBlocks(SegmentPlan plan, List<String> problems) {
        int expected = 0;
        for (BlockPlan bp : plan.blocks()) {
            if (bp.block().first() != expected) {
                problems.add("blocks must cover the feature layers in order: expected a block starting at layer "
                        + expected + ", found " + bp.block());
                return;
            }
            expected = bp.block().last();
        }
        int layers = plan.model().features().size();
        if (expected != layers) {
            problems.add("blocks end at layer " + expected + " but " + plan.model().name() + " has " + layers
                    + " feature layers");
        }
    }

    /** Pieces must tile the block's output rows exactly: no gap, no overlap. */
    private static void checkTiling(SegmentPlan plan, int b, List<String> problems) {
        int h = plan.outputHeight(b);
        int next = 0;
        for (Piece p : plan.blocks().get(b).pieces()) {
            if (p.rows().start() != next) {
                problems.add("block " + b + ": rows must tile [0," + h + ") in order, but " + p + " starts at "
                        + p.rows().start() + " where row " + next + " was expected ("
                        + (p.rows().start() > next ? "gap" : "overlap") + ")");
                return;
            }
            next = p.rows().end();
        }
        if (next != h) {
            problems.add("block " + b + ": pieces end at row " + next + " but the block outputs " + h + " rows");
        }
    }

    /** Each secondary has at most one piece per block, in index order from top to bottom. */
    private static void checkSecondaries(SegmentPlan plan, int b, List<String> problems) {
        Set<Integer> seen = new HashSet<>();
        int last = -1;
        for (Piece p : plan.blocks().get(b).pieces()) {
            if (p.isZone() || p.rows().isEmpty()) {
                continue;
            }
            int i = p.owner().index();
            if (i >= plan.secondaries()) {
                problems.add("block " + b + ": " + p.owner() + " does not exist (the plan has "
                        + plan.secondaries() + " secondaries)");
            } else if (!seen.add(i)) {
                problems.add("block " + b + ": " + p.owner() + " has more than one segment");
            } else if (i < last) {
                problems.add("block " + b + ": segments must appear in secondary order, but " + p.owner()
                        + " comes below secondary " + last);
            }
            last = Math.max(last, i);
        }
    }

    /**
     * A secondary may read only its own previous rows and the host's zones: a zone between two segments
     * must be at least as wide as the next block's halo. Skipped for {@link SegmentPlan.Exchange#VIA_HOST}
     * plans, where the host relays every row.
     */
    private static void checkHalos(SegmentPlan plan, int b, List<String> problems) {
        List<Piece> previous = plan.blocks().get(b - 1).pieces();
        for (Piece piece : plan.blocks().get(b).pieces()) {
            if (piece.isZone() || piece.rows().isEmpty()) {
                continue;
            }
            RowRange need = plan.inputRows(b, piece);
            for (Piece other : previous) {
                if (other.isZone() || other.owner().equals(piece.owner())) {
                    continue;
                }
                RowRange clash = need.intersect(other.rows());
                if (!clash.isEmpty()) {
                    problems.add("block " + b + ": " + piece.owner() + " (rows " + piece.rows() + ") needs rows "
                            + clash + " of block " + (b - 1) + "'s output, which " + other.owner()
                            + " computes; widen the zone between them by at least " + clash.size()
                            + " rows (the zone must cover block " + b + "'s halo)");
                }
            }
        }
    }
}
