package dev.halp.partitioner.rf;

/**
 * The input rows {@code [lo, hi)} a layer reads to produce a range of output rows, before clipping
 * to the frame. Rows below 0 or at or above the input height are the layer's own padding: they exist
 * only at the true frame border and must be added explicitly when the layer runs on a slice.
 */
public record RowWindow(int lo, int hi) {

    public RowWindow {
        if (hi < lo) {
            throw new IllegalArgumentException("bad row window [" + lo + ", " + hi + ")");
        }
    }

    /** The rows that really exist in an input of {@code inputHeight} rows. */
    public RowRange clip(int inputHeight) {
        int s = Math.max(0, lo);
        int e = Math.min(inputHeight, hi);
        return e > s ? new RowRange(s, e) : new RowRange(Math.min(s, inputHeight), Math.min(s, inputHeight));
    }

    /** Border rows to add above the clipped rows. */
    public int padTop() {
        return Math.max(0, -lo);
    }

    /** Border rows to add below the clipped rows. */
    public int padBottom(int inputHeight) {
        return Math.max(0, hi - inputHeight);
    }
}
