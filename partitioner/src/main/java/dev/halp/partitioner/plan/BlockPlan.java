package dev.halp.partitioner.plan;

import java.util.List;

/** A fused block and its output rows laid out in row order, {@code S_1 | Z_1 | S_2 | ... | S_N}. */
public record BlockPlan(FusedBlock block, List<Piece> pieces) {

    public BlockPlan {
        pieces = List.copyOf(pieces);
    }
}
