package dev.halp.partitioner.rf;

/**
 * One layer of a slice computation: the rows of the layer's input the slice holds, how many border rows
 * to add above and below (the layer's own padding, only at the frame border), and the output rows it
 * yields. The layer then runs with zero height padding.
 */
public record LayerStep(int layer, RowRange inputRows, int padTop, int padBottom, RowRange outputRows) {
}
