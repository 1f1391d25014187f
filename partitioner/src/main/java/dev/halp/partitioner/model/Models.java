package dev.halp.partitioner.model;

import dev.halp.partitioner.graph.ResNets;
import dev.halp.partitioner.layer.BatchNormSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The model specs the project ships. Parameter names follow torchvision's module indices. */
public final class Models {

    private static final int MAX_POOL = -1;
    private static final int[] VGG11 = {64, MAX_POOL, 128, MAX_POOL, 256, 256, MAX_POOL, 512, 512, MAX_POOL, 512,
            512, MAX_POOL};
    private static final int[] VGG16 = {64, 64, MAX_POOL, 128, 128, MAX_POOL, 256, 256, 256, MAX_POOL, 512, 512, 512,
            MAX_POOL, 512, 512, 512, MAX_POOL};

    private static final Map<String, Supplier<ModelSpec>> BY_NAME = Map.of(
            "vgg16", Models::vgg16,
            "vgg11", Models::vgg11,
            "mobilenet-v1", Models::mobileNetV1,
            "tiny", Models::tiny,
            "resnet18", () -> ResNets.resnet18().toModel(),
            "resnet34", () -> ResNets.resnet34().toModel(),
            "resnet50", () -> ResNets.resnet50().toModel());

    private Models() {
    }

    /** The names accepted by {@link #byName(String)}. */
    public static List<String> names() {
        return List.of("vgg16", "vgg11", "mobilenet-v1", "resnet18", "resnet34", "resnet50", "tiny");
    }

    public static ModelSpec byName(String name) {
        Supplier<ModelSpec> s = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return s.get();
    }

    /** torchvision's VGG-16 (configuration D, no batch norm), 1000 classes. */
    public static ModelSpec vgg16() {
        return vgg("vgg16", VGG16);
    }

    /** torchvision's VGG-11 (configuration A, no batch norm), 1000 classes. */
    public static ModelSpec vgg11() {
        return vgg("vgg11", VGG11);
    }

    private static ModelSpec vgg(String name, int[] config) {
        List<LayerSpec> f = new ArrayList<>();
        int in = 3;
        for (int v : config) {
            if (v == MAX_POOL) {
                f.add(new PoolSpec("features." + f.size(), PoolSpec.Kind.MAX, 2, 2, 0));
            } else {
                f.add(new Conv2dSpec("features." + f.size(), in, v, 3, 1, 1, 1, 1, true));
                f.add(new ReluSpec("features." + f.size()));
                in = v;
            }
        }
        List<HeadLayer> head = List.of(
                new HeadLayer.AdaptiveAvgPool("avgpool", 7, 7),
                new HeadLayer.Flatten("flatten"),
                new HeadLayer.Linear("classifier.0", 512 * 7 * 7, 4096),
                new HeadLayer.Relu("classifier.1"),
                new HeadLayer.Dropout("classifier.2"),
                new HeadLayer.Linear("classifier.3", 4096, 4096),
                new HeadLayer.Relu("classifier.4"),
                new HeadLayer.Dropout("classifier.5"),
                new HeadLayer.Linear("classifier.6", 4096, 1000));
        return new ModelSpec(name, 3, f, head);
    }

    /**
     * MobileNet-V1 (Howard et al. 2017, width 1.0): a 3x3 stride-2 convolution, then 13 depthwise-separable
     * pairs, five of them with stride-2 depthwise layers; every convolution is followed by batch norm and ReLU.
     */
    public static ModelSpec mobileNetV1() {
        List<LayerSpec> f = new ArrayList<>();
        convBnRelu(f, 3, 32, 3, 2, 1, 1);
        int[][] pairs = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1},
                {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
        int in = 32;
        for (int[] p : pairs) {
            convBnRelu(f, in, in, 3, p[1], 1, in);
            convBnRelu(f, in, p[0], 1, 1, 0, 1);
            in = p[0];
        }
        List<HeadLayer> head = List.of(
                new HeadLayer.AdaptiveAvgPool("avgpool", 1, 1),
                new HeadLayer.Flatten("flatten"),
                new HeadLayer.Linear("classifier.0", 1024, 1000));
        return new ModelSpec("mobilenet-v1", 3, f, head);
    }

    private static void convBnRelu(List<LayerSpec> f, int in, int out, int k, int s, int p, int groups) {
        f.add(new Conv2dSpec("features." + f.size(), in, out, k, s, p, 1, groups, false));
        f.add(new BatchNormSpec("features." + f.size(), out, 1e-5));
        f.add(new ReluSpec("features." + f.size()));
    }

    /**
     * A tiny net for tests that exercises every layer kind: padded max pooling, a strided 5x5 convolution
     * without bias, batch norm, padded average pooling and a dilated depthwise convolution.
     */
    public static ModelSpec tiny() {
        List<LayerSpec> f = List.of(
                new Conv2dSpec("features.0", 3, 8, 3, 1, 1, 1, 1, true),
                new ReluSpec("features.1"),
                new PoolSpec("features.2", PoolSpec.Kind.MAX, 3, 2, 1),
                new Conv2dSpec("features.3", 8, 16, 5, 2, 2, 1, 1, false),
                new BatchNormSpec("features.4", 16, 1e-5),
                new ReluSpec("features.5"),
                new PoolSpec("features.6", PoolSpec.Kind.AVG, 3, 1, 1),
                new Conv2dSpec("features.7", 16, 16, 3, 1, 2, 2, 16, true),
                new ReluSpec("features.8"));
        List<HeadLayer> head = List.of(
                new HeadLayer.AdaptiveAvgPool("avgpool", 2, 2),
                new HeadLayer.Flatten("flatten"),
                new HeadLayer.Linear("classifier.0", 64, 32),
                new HeadLayer.Relu("classifier.1"),
                new HeadLayer.Dropout("classifier.2"),
                new HeadLayer.Linear("classifier.3", 32, 10));
        return new ModelSpec("tiny", 3, f, head);
    }
}
