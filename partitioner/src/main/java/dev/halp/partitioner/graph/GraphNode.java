package dev.halp.partitioner.graph;

import dev.halp.partitioner.layer.LayerSpec;

import java.util.List;

/**
 * One node of a feature graph: a layer applied to one input, or the element-wise sum of two or more inputs of
 * equal shape (a residual join, {@code layer} null). {@code inputs} name earlier nodes, or {@link #INPUT} for
 * the frame. A layer node's name is its parameter prefix, torchvision style.
 */
public record GraphNode(String name, LayerSpec layer, List<String> inputs) {

    /** The frame: what the first nodes read. */
    public static final String INPUT = "input";

    public GraphNode {
        inputs = List.copyOf(inputs);
        if (name == null || name.isBlank() || name.equals(INPUT)) {
            throw new IllegalArgumentException("a node needs a name other than '" + INPUT + "'");
        }
        if (layer != null && inputs.size() != 1) {
            throw new IllegalArgumentException(name + ": a layer reads one input, got " + inputs);
        }
        if (layer == null && inputs.size() < 2) {
            throw new IllegalArgumentException(name + ": a sum joins two or more inputs, got " + inputs);
        }
    }

    public static GraphNode of(LayerSpec layer, String input) {
        return new GraphNode(layer.name(), layer, List.of(input));
    }

    public static GraphNode add(String name, String... inputs) {
        return new GraphNode(name, null, List.of(inputs));
    }

    public boolean isAdd() {
        return layer == null;
    }
}
