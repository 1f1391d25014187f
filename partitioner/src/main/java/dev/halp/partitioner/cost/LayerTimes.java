package dev.halp.partitioner.cost;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.LayerStep;

import java.util.List;

/**
 * Milliseconds to run each feature layer of one model at one frame size and batch on one device, as a
 * function of the rows the layer runs on: explicitly padded rows with zero height padding, as a slice
 * runs (a whole frame of {@code H} rows runs on {@code H + 2 * padding}). Tabulated once for every possible row count so that the planner
 * and the simulator, which ask millions of times, only index arrays.
 */
public final class LayerTimes {

    /** Computes one layer's time on {@code rows} input rows (full width). */
    @FunctionalInterface
    public interface LayerCost {
        double millis(int layer, int rows);
    }

    private final double[][] table;

    /**
     * @param maxRows per layer, the largest row count that will be asked (the layer's input height plus
     *                its padding on both sides)
     */
    public LayerTimes(int[] maxRows, LayerCost cost) {
        table = new double[maxRows.length][];
        for (int l = 0; l < maxRows.length; l++) {
            table[l] = new double[maxRows[l] + 1];
            for (int r = 1; r <= maxRows[l]; r++) {
                table[l][r] = cost.millis(l, r);
            }
        }
    }

    /** Time of layer {@code layer} on {@code rows} input rows; zero rows cost nothing. */
    public double millis(int layer, int rows) {
        double[] t = table[layer];
        if (rows < t.length) {
            return t[rows];
        }
        // beyond the tabulated range (never asked by valid plans): extrapolate in proportion
        return t[t.length - 1] * rows / (t.length - 1);
    }

    /** Time of a slice program: every layer on its explicitly padded rows. */
    public double millis(List<LayerStep> program) {
        double sum = 0;
        for (LayerStep s : program) {
            if (!s.outputRows().isEmpty()) {
                sum += millis(s.layer(), s.paddedRows());
            }
        }
        return sum;
    }

    /** Time of whole-frame layers {@code [first, last)} of a model at the frame size of these times. */
    public double millis(ModelSpec model, int[] heights, int first, int last) {
        double sum = 0;
        for (int l = first; l < last; l++) {
            sum += millis(l, heights[l] + 2 * model.features().get(l).padding());
        }
        return sum;
    }

    public int layers() {
        return table.length;
    }
}
