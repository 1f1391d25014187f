package dev.halp.partitioner.plan;

import dev.halp.partitioner.graph.GraphNode;
import dev.halp.partitioner.graph.GraphReceptiveField;
import dev.halp.partitioner.graph.GraphSpec;
import dev.halp.partitioner.layer.BorderFill;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.rf.RowWindow;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A one-channel, one-column reference executor: the height axis of a model is all the partitioner sees,
 * so a 1-D signal is enough to check that plans stitch back to the whole frame exactly. Blocks with
 * branches run whole node by node, and on a slice node by node over the rows their receptive field names.
 */
final class OneDimensionalNet {

    private final ModelSpec model;
    private final long seed;
    private final Map<String, double[]> weights = new HashMap<>();

    OneDimensionalNet(ModelSpec model, long seed) {
        this.model = model;
        this.seed = seed;
    }

    /** Whole-signal inference: each layer pads with its own padding. */
    double[] forward(double[] x, int first, int last) {
        double[] cur = x;
        for (int l = first; l < last; l++) {
            LayerSpec layer = model.features().get(l);
            cur = layer instanceof GraphBlockSpec block ? wholeBlock(block, cur) : whole(layer, layer.name(), cur);
        }
        return cur;
    }

    /** One step of a slice program: border rows and the layer, or a block node by node. */
    double[] step(LayerStep step, double[] x) {
        LayerSpec layer = model.features().get(step.layer());
        if (layer instanceof GraphBlockSpec block) {
            return sliceBlock(block, step, x);
        }
        return layer(layer, layer.name(), pad(x, step.padTop(), step.padBottom(), layer.borderFill()));
    }

    private double[] whole(LayerSpec layer, String key, double[] x) {
        return layer(layer, key, pad(x, layer.padding(), layer.padding(), layer.borderFill()));
    }

    private double[] wholeBlock(GraphBlockSpec block, double[] x) {
        GraphSpec g = block.graph();
        double[][] v = new double[g.nodes().size()][];
        for (int i = 0; i < v.length; i++) {
            GraphNode n = g.nodes().get(i);
            int[] in = g.inputsOf(i);
            if (n.isAdd()) {
                v[i] = new double[(in[0] < 0 ? x : v[in[0]]).length];
                for (int j : in) {
                    double[] a = j < 0 ? x : v[j];
                    for (int r = 0; r < v[i].length; r++) {
                        v[i][r] += a[r];
                    }
                }
            } else {
                v[i] = whole(n.layer(), block.name() + "." + n.name(), in[0] < 0 ? x : v[in[0]]);
            }
        }
        return v[v.length - 1];
    }

    /** {@code x} holds the step's input rows; every node computes the rows its readers need, padded at the border. */
    private double[] sliceBlock(GraphBlockSpec block, LayerStep step, double[] x) {
        if (step.outputRows().isEmpty()) {
            return new double[0];
        }
        GraphSpec g = block.graph();
        int n = g.nodes().size();
        int[] heights = g.heights(step.inputHeight());
        GraphReceptiveField.Needs needs = GraphReceptiveField.needed(g, heights, step.inputHeight(), -1, n - 1,
                step.outputRows());
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            RowRange rows = needs.of(i);
            GraphNode node = g.nodes().get(i);
            int[] in = g.inputsOf(i);
            if (node.isAdd()) {
                v[i] = new double[rows.size()];
                for (int j : in) {
                    double[] a = crop(j < 0 ? x : v[j], j < 0 ? step.inputRows() : needs.of(j), rows);
                    for (int r = 0; r < a.length; r++) {
                        v[i][r] += a[r];
                    }
                }
                continue;
            }
            int inH = in[0] < 0 ? step.inputHeight() : heights[in[0]];
            RowWindow w = node.layer().inputWindow(rows);
            double[] held = crop(in[0] < 0 ? x : v[in[0]], in[0] < 0 ? step.inputRows() : needs.of(in[0]), w.clip(inH));
            v[i] = layer(node.layer(), block.name() + "." + node.name(),
                    pad(held, w.padTop(), w.padBottom(inH), node.layer().borderFill()));
            if (v[i].length != rows.size()) {
                throw new IllegalStateException(node.name() + " made " + v[i].length + " rows, expected " + rows);
            }
        }
        return v[n - 1];
    }

    private static double[] crop(double[] values, RowRange held, RowRange wanted) {
        if (wanted.start() < held.start() || wanted.end() > held.end()) {
            throw new IllegalStateException("rows " + wanted + " wanted, " + held + " held");
        }
        return Arrays.copyOfRange(values, wanted.start() - held.start(), wanted.end() - held.start());
    }

    /** Runs one layer on an explicitly padded slice, with no padding of its own. */
    private double[] layer(LayerSpec layer, String key, double[] padded) {
        int k = layer.kernel();
        int s = layer.stride();
        int d = layer.dilation();
        double[] w = weights.computeIfAbsent(key, name -> new Random(seed ^ name.hashCode()).doubles(k + 1, -1, 1).toArray());
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
                double sum = w[k];
                for (int j = 0; j < k; j++) {
                    sum += w[j] * padded[base + j * d];
                }
                out[o] = sum;
            } else {
                out[o] = padded[base] * w[0] + w[1];
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
