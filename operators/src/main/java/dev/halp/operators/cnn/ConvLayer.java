package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import dev.halp.partitioner.layer.Conv2dSpec;

/** 2-D convolution (grouped and depthwise included). */
final class ConvLayer extends LayerBlock {

    private final Conv2dSpec spec;
    private final Parameter weight;
    private final Parameter bias;

    ConvLayer(Conv2dSpec spec) {
        super(spec.name());
        this.spec = spec;
        int k = spec.kernel();
        weight = parameter("weight", Parameter.Type.WEIGHT,
                new Shape(spec.outChannels(), spec.inChannels() / spec.groups(), k, k));
        bias = spec.bias() ? parameter("bias", Parameter.Type.BIAS, new Shape(spec.outChannels())) : null;
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        int p = spec.padding();
        return Conv2d.conv2d(x, array(weight), bias == null ? null : array(bias),
                new Shape(spec.stride(), spec.stride()), new Shape(slice ? 0 : p, p),
                new Shape(spec.dilation(), spec.dilation()), spec.groups()).singletonOrThrow();
    }
}
