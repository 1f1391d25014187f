package dev.halp.partitioner.rf;

/**
 * One layer of a slice computation: the rows of the layer's input the slice holds (out of
 * {@code inputHeight} rows in the whole frame), how many border rows to add above and below (the layer's
 * own padding, only at the frame border), and the output rows it yields. The layer then runs with zero
 * height padding.
 */
public record LayerStep(int layer, int inputHeight, RowRange inputRows, int padTop, int padBottom,
                        RowRange outputRows) {

    /** Rows of the explicitly padded slice the layer runs on. */
    public int paddedRows() {
        return padTop + inputRows.size() + padBottom;
    }
}
