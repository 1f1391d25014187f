package dev.halp.partitioner.cost;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One layer's measured times: milliseconds to run the layer on the first {@code R} rows of its input, for
 * a few values of {@code R}. Between measured points the time is interpolated linearly; below the
 * smallest it is the smallest point's time (small slices are dominated by fixed costs); above the largest
 * it grows in proportion to the rows.
 *
 * @param idx     the layer's index in the model's feature stack
 * @param type    the framework's layer name (Conv2d, ReLU, MaxPool2d), informative
 * @param inShape the layer's whole input, NCHW
 */
public record MeasuredLayer(int idx, String type, long[] inShape, Map<Integer, Double> msByRows) {

    public MeasuredLayer {
        if (msByRows.isEmpty()) {
            throw new IllegalArgumentException("layer " + idx + ": no measured rows");
        }
        if (inShape.length != 4) {
            throw new IllegalArgumentException("layer " + idx + ": in_shape must be NCHW, got " + Arrays.toString(inShape));
        }
        msByRows = new TreeMap<>(msByRows);
        inShape = inShape.clone();
    }

    public int batch() {
        return (int) inShape[0];
    }

    public int channels() {
        return (int) inShape[1];
    }

    public int height() {
        return (int) inShape[2];
    }

    public int width() {
        return (int) inShape[3];
    }

    /** Interpolated milliseconds on {@code rows} input rows. */
    public double millis(int rows) {
        if (rows <= 0) {
            return 0;
        }
        TreeMap<Integer, Double> t = (TreeMap<Integer, Double>) msByRows;
        Map.Entry<Integer, Double> lo = t.floorEntry(rows);
        Map.Entry<Integer, Double> hi = t.ceilingEntry(rows);
        if (lo == null) {
            return hi.getValue();
        }
        if (hi == null) {
            return lo.getValue() * rows / lo.getKey();
        }
        if (lo.getKey().equals(hi.getKey())) {
            return lo.getValue();
        }
        double f = (double) (rows - lo.getKey()) / (hi.getKey() - lo.getKey());
        return lo.getValue() + f * (hi.getValue() - lo.getValue());
    }
}
