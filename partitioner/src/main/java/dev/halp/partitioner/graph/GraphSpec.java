package dev.halp.partitioner.graph;

import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CNN whose feature extractor is a directed acyclic graph of {@link GraphNode}s, in topological order, the
 * last node its output, followed by a head that is never split. A chain of layers is the graph in which every
 * node reads the one before ({@link #chain}). Immutable.
 */
public record GraphSpec(String name, int inChannels, List<GraphNode> nodes, List<HeadLayer> head) {

    public GraphSpec {
        nodes = List.copyOf(nodes);
        head = List.copyOf(head);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(name + " has no feature nodes");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            GraphNode n = nodes.get(i);
            for (String in : n.inputs()) {
                if (!in.equals(GraphNode.INPUT) && !seen.containsKey(in)) {
                    throw new IllegalArgumentException(name + ": " + n.name() + " reads '" + in
                            + "', which is not an earlier node");
                }
            }
            if (seen.put(n.name(), i) != null) {
                throw new IllegalArgumentException(name + ": two nodes named " + n.name());
            }
        }
        int[] consumers = new int[nodes.size()];
        for (GraphNode n : nodes) {
            for (String in : n.inputs()) {
                if (!in.equals(GraphNode.INPUT)) {
                    consumers[seen.get(in)]++;
                }
            }
        }
        for (int i = 0; i < nodes.size() - 1; i++) {
            if (consumers[i] == 0) {
                throw new IllegalArgumentException(name + ": nothing reads " + nodes.get(i).name());
            }
        }
    }

    /** A chain of layers as a graph. */
    public static GraphSpec chain(ModelSpec model) {
        List<GraphNode> nodes = new ArrayList<>();
        String previous = GraphNode.INPUT;
        for (LayerSpec layer : model.features()) {
            nodes.add(GraphNode.of(layer, previous));
            previous = layer.name();
        }
        return new GraphSpec(model.name(), model.inChannels(), nodes, model.head());
    }

    /**
     * The graph as the chain of its pieces between cut points ({@link GraphCuts}): what the planner, the
     * simulator and the runtime see. For a chain every node is a cut point, so {@code chain(m).toModel()} is
     * {@code m}.
     */
    public ModelSpec toModel() {
        return GraphCuts.toModel(this);
    }

    /** Index of the node named {@code name}; -1 for {@link GraphNode#INPUT}. */
    public int indexOf(String name) {
        if (name.equals(GraphNode.INPUT)) {
            return -1;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(this.name + " has no node " + name);
    }

    /** The input indices of node {@code i} (-1: the frame). */
    public int[] inputsOf(int i) {
        return nodes.get(i).inputs().stream().mapToInt(this::indexOf).toArray();
    }

    /**
     * Output height of every node for a frame of {@code inputHeight} rows (the same along the width); a sum's
     * inputs must agree, else the graph does not fit the frame.
     */
    public int[] heights(int inputHeight) {
        int[] h = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            int[] in = inputsOf(i);
            int first = in[0] < 0 ? inputHeight : h[in[0]];
            GraphNode n = nodes.get(i);
            if (n.isAdd()) {
                for (int j : in) {
                    int other = j < 0 ? inputHeight : h[j];
                    if (other != first) {
                        throw new IllegalArgumentException(name + ": " + n.name() + " sums rows of " + first + " and "
                                + other + " for an input of " + inputHeight);
                    }
                }
                h[i] = first;
            } else {
                h[i] = n.layer().outputSize(first);
            }
        }
        return h;
    }

    /**
     * Where the graph can be cut into fused blocks: the nodes after which every branch has joined, so that
     * the node's output is the only thing later nodes read. The last node is always one.
     */
    public List<Integer> cutPoints() {
        int[] lastReader = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            for (int j : inputsOf(i)) {
                if (j >= 0) {
                    lastReader[j] = Math.max(lastReader[j], i);
                }
            }
        }
        List<Integer> cuts = new ArrayList<>();
        int readUntil = -1; // the last node that reads any node before i
        for (int i = 0; i < nodes.size(); i++) {
            if (readUntil <= i) {
                cuts.add(i);
            }
            readUntil = Math.max(readUntil, lastReader[i]);
        }
        return cuts;
    }
}
