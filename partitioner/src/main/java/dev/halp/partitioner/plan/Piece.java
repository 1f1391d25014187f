package dev.halp.partitioner.plan;

import dev.halp.partitioner.rf.RowRange;

/** The output rows of one block that one participant computes: a segment {@code S_i} or a host zone {@code Z_j}. */
public record Piece(Participant owner, RowRange rows) {

    public boolean isZone() {
        return owner.isHost();
    }

    @Override
    public String toString() {
        return (isZone() ? "Z" : "S" + owner.index()) + rows;
    }
}
