package dev.halp.partitioner.graph;

import dev.halp.partitioner.layer.BatchNormSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;
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
     * The graph as the chain of its pieces between cut points ({@link #cutPoints}), which is how the planner,
     * the simulator and the runtime see every model: a piece of one layer stays that layer; a piece with
     * branches becomes a {@link GraphBlockSpec} named by its nodes' common prefix ({@code layer1.0}). For a
     * chain every node is a cut point, so {@code chain(m).toModel()} is {@code m}.
     */
    public ModelSpec toModel() {
        List<LayerSpec> pieces = new ArrayList<>();
        int channels = inChannels;
        int from = -1;
        for (int cut : cutPoints()) {
            List<GraphNode> piece = nodes.subList(from + 1, cut + 1);
            String entry = from < 0 ? GraphNode.INPUT : nodes.get(from).name();
            LayerSpec layer;
            if (piece.size() == 1 && !piece.get(0).isAdd()) {
                layer = piece.get(0).layer();
            } else {
                layer = block(piece, entry, channels);
            }
            channels = layer.outChannels(channels);
            pieces.add(layer);
            from = cut;
        }
        return new ModelSpec(name, inChannels, pieces, head);
    }

    private GraphBlockSpec block(List<GraphNode> piece, String entry, int channels) {
        String prefix = commonPrefix(piece);
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException(name + ": nodes " + piece.get(0).name() + " .. "
                    + piece.get(piece.size() - 1).name() + " form one block but share no name prefix (name them as "
                    + "modules, torchvision style: layer1.0.conv1)");
        }
        List<GraphNode> relative = new ArrayList<>();
        for (GraphNode n : piece) {
            List<String> inputs = n.inputs().stream()
                    .map(in -> in.equals(entry) ? GraphNode.INPUT : in.substring(prefix.length() + 1)).toList();
            LayerSpec layer = n.layer() == null ? null : rename(n.layer(), n.name().substring(prefix.length() + 1));
            relative.add(new GraphNode(n.name().substring(prefix.length() + 1), layer, inputs));
        }
        return GraphBlockSpec.of(prefix, new GraphSpec(prefix, channels, relative, List.of()));
    }

    private static String commonPrefix(List<GraphNode> piece) {
        String[] first = piece.get(0).name().split("\\.");
        int common = first.length - 1; // a node keeps at least its own last name part
        for (GraphNode n : piece) {
            String[] parts = n.name().split("\\.");
            int k = 0;
            while (k < common && k < parts.length - 1 && parts[k].equals(first[k])) {
                k++;
            }
            common = k;
        }
        return String.join(".", java.util.Arrays.copyOf(first, common));
    }

    private static LayerSpec rename(LayerSpec l, String name) {
        if (l instanceof Conv2dSpec c) {
            return new Conv2dSpec(name, c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(),
                    c.dilation(), c.groups(), c.bias());
        }
        if (l instanceof PoolSpec p) {
            return new PoolSpec(name, p.kind(), p.kernel(), p.stride(), p.padding());
        }
        if (l instanceof BatchNormSpec b) {
            return new BatchNormSpec(name, b.channels(), b.epsilon());
        }
        if (l instanceof ReluSpec) {
            return new ReluSpec(name);
        }
        throw new IllegalArgumentException("a block inside a block: " + l.name());
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
