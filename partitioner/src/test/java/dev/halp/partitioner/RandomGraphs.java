package dev.halp.partitioner;

import dev.halp.partitioner.graph.GraphNode;
import dev.halp.partitioner.graph.GraphSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.ReluSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random residual graphs for property tests: one channel, random geometry on both branches of every block. */
public final class RandomGraphs {

    private RandomGraphs() {
    }

    /** A stem layer, then 1-4 residual blocks or plain layers, with random geometry on both branches. */
    public static GraphSpec residual(SplittableRandom random) {
        List<GraphNode> nodes = new ArrayList<>();
        String x = layer(nodes, random, "stem", GraphNode.INPUT, 1 + random.nextInt(2));
        int blocks = 1 + random.nextInt(4);
        for (int b = 0; b < blocks; b++) {
            if (random.nextInt(4) == 0) {
                x = layer(nodes, random, "plain" + b, x, 1 + random.nextInt(2));
                continue;
            }
            String in = x;
            String y = in;
            int stride = 1;
            int depth = 1 + random.nextInt(3);
            for (int l = 0; l < depth; l++) {
                int s = random.nextInt(5) == 0 ? 2 : 1;
                stride *= s;
                y = sameLayer(nodes, random, "b" + b + ".main" + l, y, s);
            }
            String shortcut = in;
            if (stride > 1 || random.nextBoolean()) {
                shortcut = sameLayer(nodes, random, "b" + b + ".short", in, stride);
            }
            nodes.add(GraphNode.add("b" + b + ".add", y, shortcut));
            x = "b" + b + ".add";
            if (random.nextBoolean()) {
                nodes.add(GraphNode.of(new ReluSpec("b" + b + ".relu"), x));
                x = "b" + b + ".relu";
            }
        }
        return new GraphSpec("random", 1, nodes, List.of());
    }

    /** Any geometry. */
    private static String layer(List<GraphNode> nodes, SplittableRandom random, String name, String input, int stride) {
        int k = 1 + random.nextInt(5);
        int d = 1 + random.nextInt(2);
        nodes.add(GraphNode.of(new Conv2dSpec(name, 1, 1, k, stride, random.nextInt(k), d, 1, false), input));
        return name;
    }

    /** A "same" layer (ceil(H / stride) rows out), so both branches of a block agree on the height. */
    private static String sameLayer(List<GraphNode> nodes, SplittableRandom random, String name, String input, int stride) {
        int k = 1 + 2 * random.nextInt(3);
        int d = 1 + random.nextInt(3);
        nodes.add(GraphNode.of(new Conv2dSpec(name, 1, 1, k, stride, d * (k - 1) / 2, d, 1, false), input));
        return name;
    }
}
