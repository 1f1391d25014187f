package dev.halp.partitioner.graph;

import dev.halp.partitioner.layer.BatchNormSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A feature graph as the chain of its pieces between cut points ({@link GraphSpec#cutPoints}), which is how the
 * planner, the simulator and the runtime see every model: a piece of one layer stays that layer; a piece with
 * branches becomes a {@link GraphBlockSpec} named by its nodes' common module prefix ({@code layer1.0}), its
 * nodes renamed relative to it.
 */
final class GraphCuts {

    private GraphCuts() {
    }

    static ModelSpec toModel(GraphSpec g) {
        List<LayerSpec> pieces = new ArrayList<>();
        List<GraphNode> nodes = g.nodes();
        int channels = g.inChannels();
        int from = -1;
        for (int cut : g.cutPoints()) {
            List<GraphNode> piece = nodes.subList(from + 1, cut + 1);
            String entry = from < 0 ? GraphNode.INPUT : nodes.get(from).name();
            LayerSpec layer;
            if (piece.size() == 1 && !piece.get(0).isAdd()) {
                layer = piece.get(0).layer();
            } else {
                layer = block(g.name(), piece, entry, channels);
            }
            channels = layer.outChannels(channels);
            pieces.add(layer);
            from = cut;
        }
        return new ModelSpec(g.name(), g.inChannels(), pieces, g.head());
    }

    private static GraphBlockSpec block(String name, List<GraphNode> piece, String entry, int channels) {
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
}
