package dev.halp.partitioner.plan;

/**
 * A run of consecutive feature layers {@code [first, last)} computed without exchanging rows; halos are
 * exchanged only between blocks.
 */
public record FusedBlock(int first, int last) {

    public FusedBlock {
        if (first < 0 || last <= first) {
            throw new IllegalArgumentException("bad fused block [" + first + ", " + last + ")");
        }
    }

    public int layers() {
        return last - first;
    }

    @Override
    public String toString() {
        return "layers " + first + ".." + (last - 1);
    }
}
