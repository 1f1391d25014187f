package dev.halp.partitioner.graph;

import dev.halp.partitioner.layer.BatchNormSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's ResNet-18, -34 and -50 as feature graphs, parameter names exactly as torchvision's
 * ({@code conv1.weight}, {@code bn1.running_mean}, {@code layer2.0.downsample.0.weight}, ...): the stem
 * (7x7 convolution, batch norm, ReLU, 3x3 max pool), then four stages of basic blocks (two 3x3 convolutions)
 * or bottlenecks (1x1, 3x3 with the stride, 1x1 to four times the width), each block's input added to its
 * output, through a 1x1 convolution and batch norm ({@code downsample}) where the shape changes. The head,
 * global average pooling and {@code fc}, is not split.
 */
public final class ResNets {

    private static final double EPS = 1e-5;

    private ResNets() {
    }

    public static GraphSpec resnet18() {
        return of("resnet18", 64, new int[] {2, 2, 2, 2}, false, 1000);
    }

    public static GraphSpec resnet34() {
        return of("resnet34", 64, new int[] {3, 4, 6, 3}, false, 1000);
    }

    public static GraphSpec resnet50() {
        return of("resnet50", 64, new int[] {3, 4, 6, 3}, true, 1000);
    }

    /**
     * A torchvision-layout ResNet of any width and depth: {@code base} channels after the stem (torchvision:
     * 64), doubled at each of the four stages; {@code blocks} per stage; bottlenecks or basic blocks.
     */
    public static GraphSpec of(String name, int base, int[] blocks, boolean bottleneck, int classes) {
        if (blocks.length != 4 || base <= 0 || classes <= 0) {
            throw new IllegalArgumentException(name + ": a ResNet has four stages, a positive width and classes");
        }
        List<GraphNode> g = new ArrayList<>();
        String x = add(g, new Conv2dSpec("conv1", 3, base, 7, 2, 3, 1, 1, false), GraphNode.INPUT);
        x = add(g, new BatchNormSpec("bn1", base, EPS), x);
        x = add(g, new ReluSpec("relu"), x);
        x = add(g, new PoolSpec("maxpool", PoolSpec.Kind.MAX, 3, 2, 1), x);
        int channels = base;
        int expansion = bottleneck ? 4 : 1;
        for (int stage = 0; stage < 4; stage++) {
            int width = base << stage;
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                String p = "layer" + (stage + 1) + "." + b + ".";
                String in = x;
                String y;
                if (bottleneck) {
                    y = add(g, new Conv2dSpec(p + "conv1", channels, width, 1, 1, 0, 1, 1, false), in);
                    y = add(g, new BatchNormSpec(p + "bn1", width, EPS), y);
                    y = add(g, new ReluSpec(p + "relu1"), y);
                    y = add(g, new Conv2dSpec(p + "conv2", width, width, 3, stride, 1, 1, 1, false), y);
                    y = add(g, new BatchNormSpec(p + "bn2", width, EPS), y);
                    y = add(g, new ReluSpec(p + "relu2"), y);
                    y = add(g, new Conv2dSpec(p + "conv3", width, width * expansion, 1, 1, 0, 1, 1, false), y);
                    y = add(g, new BatchNormSpec(p + "bn3", width * expansion, EPS), y);
                } else {
                    y = add(g, new Conv2dSpec(p + "conv1", channels, width, 3, stride, 1, 1, 1, false), in);
                    y = add(g, new BatchNormSpec(p + "bn1", width, EPS), y);
                    y = add(g, new ReluSpec(p + "relu1"), y);
                    y = add(g, new Conv2dSpec(p + "conv2", width, width, 3, 1, 1, 1, 1, false), y);
                    y = add(g, new BatchNormSpec(p + "bn2", width, EPS), y);
                }
                String shortcut = in;
                if (stride != 1 || channels != width * expansion) {
                    shortcut = add(g, new Conv2dSpec(p + "downsample.0", channels, width * expansion, 1, stride, 0, 1, 1,
                            false), in);
                    shortcut = add(g, new BatchNormSpec(p + "downsample.1", width * expansion, EPS), shortcut);
                }
                g.add(GraphNode.add(p + "add", y, shortcut));
                x = add(g, new ReluSpec(p + "relu"), p + "add");
                channels = width * expansion;
            }
        }
        List<HeadLayer> head = List.of(new HeadLayer.AdaptiveAvgPool("avgpool", 1, 1), new HeadLayer.Flatten("flatten"),
                new HeadLayer.Linear("fc", channels, classes));
        return new GraphSpec(name, 3, g, head);
    }

    private static String add(List<GraphNode> g, dev.halp.partitioner.layer.LayerSpec layer, String input) {
        g.add(GraphNode.of(layer, input));
        return layer.name();
    }
}
