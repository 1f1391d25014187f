package dev.halp.partitioner.plan;

import dev.halp.partitioner.layer.BorderFill;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.Arrays;
import java.util.Random;

/**
 * A one-channel, one-column reference executor: the height axis of a model is all the partitioner sees,
 * so a 1-D signal is enough to check that plans stitch back to the whole frame exactly.
 */
final class OneDimensionalNet {

    private final ModelSpec model;
    private final double[][] weights;

    OneDimensionalNet(ModelSpec model, long seed) {
        this.model = model;
        Random r = new Random(seed);
        weights = new double[model.features().size()][];
        for (int l = 0; l < weights.length; l++) {
            weights[l] = new double[model.features().get(l).kernel() + 1];
            for (int j = 0; j < weights[l].length; j++) {
                weights[l][j] = r.nextGaussian();
            }
        }
    }

    /** Whole-signal inference: each layer pads with its own padding. */
    double[] forward(double[] x, int first, int last) {
        double[] cur = x;
        for (int l = first; l < last; l++) {
            LayerSpec layer = model.features().get(l);
            cur = layer(l, pad(cur, layer.padding(), layer.padding(), layer.borderFill()));
        }
        return cur;
    }

    /** Runs one layer on an explicitly padded slice, with no padding of its own. */
    double[] layer(int l, double[] padded) {
        LayerSpec layer = model.features().get(l);
        int k = layer.kernel();
        int s = layer.stride();
        int d = layer.dilation();
        int n = (padded.length - d * (k - 1) - 1) / s + 1;
        double[] out = new double[Math.max(0, n)];
        for (int o = 0; o < out.length; o++) {
            int base = o * s;
            if (layer instanceof ReluSpec) {
                out[o] = Math.max(0, padded[base]);
            } else if (layer instanceof PoolSpec pool && pool.kind() == PoolSpec.Kind.MAX) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    m = Math.max(m, padded[base + j]);
                }
                out[o] = m;
            } else if (layer instanceof PoolSpec) {
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += padded[base + j];
                }
                out[o] = sum / k;
            } else if (layer instanceof Conv2dSpec) {
                double sum = weights[l][k];
                for (int j = 0; j < k; j++) {
                    sum += weights[l][j] * padded[base + j * d];
                }
                out[o] = sum;
            } else {
                out[o] = padded[base] * weights[l][0] + weights[l][1];
            }
        }
        return out;
    }

    static double[] pad(double[] x, int top, int bottom, BorderFill fill) {
        double v = fill == BorderFill.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : 0.0;
        double[] out = new double[top + x.length + bottom];
        Arrays.fill(out, v);
        System.arraycopy(x, 0, out, top, x.length);
        return out;
    }
}
