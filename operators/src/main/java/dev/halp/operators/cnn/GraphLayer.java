package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.halp.partitioner.graph.GraphNode;
import dev.halp.partitioner.graph.GraphReceptiveField;
import dev.halp.partitioner.graph.GraphSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.rf.RowWindow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A block with branches (a residual block) as one layer of the feature stack. Whole, its nodes run in order
 * with their own padding and sums add their inputs. On a slice, every node computes exactly the rows that
 * {@link GraphReceptiveField} names for the slice's output, from the rows its input holds, with border rows
 * only where the frame ends; each layer node goes through {@link ExactSlices} as a chain layer does, so the
 * block's rows are bit-identical to the whole frame's.
 */
final class GraphLayer extends LayerBlock {

    private final GraphBlockSpec spec;
    /** One per node; null for a sum. */
    private final List<LayerBlock> nodes = new ArrayList<>();

    GraphLayer(GraphBlockSpec spec) {
        super(spec.name());
        this.spec = spec;
        for (GraphNode n : spec.graph().nodes()) {
            nodes.add(n.isAdd() ? null : addChildBlock(n.name(), CnnBlock.featureLayer(n.layer())));
        }
    }

    /** The nodes' parameters, by their names inside the block ({@code conv1.weight}, {@code downsample.1.bias}). */
    @Override
    public Map<String, WeightSlot> namedParameters() {
        Map<String, WeightSlot> out = new LinkedHashMap<>();
        for (LayerBlock b : nodes) {
            if (b != null) {
                b.namedParameters().forEach((suffix, p) -> out.put(b.name() + "." + suffix, p));
            }
        }
        return out;
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        if (slice) {
            throw new UnsupportedOperationException(spec.name() + " runs on slices through its own program");
        }
        GraphSpec g = spec.graph();
        NDArray[] v = new NDArray[nodes.size()];
        for (int i = 0; i < v.length; i++) {
            int[] in = g.inputsOf(i);
            if (nodes.get(i) == null) {
                NDArray sum = input(x, v, in[0]);
                for (int k = 1; k < in.length; k++) {
                    sum = sum.add(input(x, v, in[k]));
                }
                v[i] = sum;
            } else {
                v[i] = nodes.get(i).apply(input(x, v, in[0]), false);
            }
        }
        return v[v.length - 1];
    }

    /** Output rows {@code step.outputRows()} from {@code x}, which holds the block's input rows {@code step.inputRows()}. */
    NDArray slice(ExactSlices exact, LayerStep step, NDArray x) {
        GraphSpec g = spec.graph();
        int n = nodes.size();
        int[] heights = g.heights(step.inputHeight());
        GraphReceptiveField.Needs needs = GraphReceptiveField.needed(g, heights, step.inputHeight(), -1, n - 1,
                step.outputRows());
        NDArray[] v = new NDArray[n];
        for (int i = 0; i < n; i++) {
            RowRange rows = needs.of(i);
            int[] in = g.inputsOf(i);
            if (nodes.get(i) == null) {
                NDArray sum = crop(input(x, v, in[0]), held(step, needs, in[0]), rows);
                for (int k = 1; k < in.length; k++) {
                    sum = sum.add(crop(input(x, v, in[k]), held(step, needs, in[k]), rows));
                }
                v[i] = sum;
                continue;
            }
            LayerSpec layer = g.nodes().get(i).layer();
            int inputHeight = in[0] < 0 ? step.inputHeight() : heights[in[0]];
            RowWindow w = layer.inputWindow(rows);
            RowRange read = w.clip(inputHeight);
            LayerStep nodeStep = new LayerStep(i, inputHeight, read, w.padTop(), w.padBottom(inputHeight), rows);
            v[i] = exact.runStep(spec.name() + "." + layer.name(), nodes.get(i), layer, nodeStep,
                    crop(input(x, v, in[0]), held(step, needs, in[0]), read));
        }
        return v[n - 1];
    }

    private static NDArray input(NDArray x, NDArray[] v, int j) {
        return j < 0 ? x : v[j];
    }

    private static RowRange held(LayerStep step, GraphReceptiveField.Needs needs, int j) {
        return j < 0 ? step.inputRows() : needs.of(j);
    }

    /** Rows {@code wanted} of a tensor holding rows {@code held}, as a contiguous copy unless it is all of them. */
    private static NDArray crop(NDArray x, RowRange held, RowRange wanted) {
        if (wanted.start() < held.start() || wanted.end() > held.end()) {
            throw new IllegalStateException("rows " + wanted + " wanted, " + held + " held");
        }
        if (wanted.equals(held)) {
            return x;
        }
        return x.get(new NDIndex(":, :, {}:{}", wanted.start() - held.start(), wanted.end() - held.start())).duplicate();
    }
}
