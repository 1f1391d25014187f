package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.halp.partitioner.layer.HeadLayer;

/** Fully connected layer of the head, weight shaped {@code (out, in)} as in torchvision. */
final class LinearLayer extends LayerBlock {

    private final Parameter weight;
    private final Parameter bias;

    LinearLayer(HeadLayer.Linear spec) {
        super(spec.name());
        weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(spec.outFeatures(), spec.inFeatures()));
        bias = parameter("bias", Parameter.Type.BIAS, new Shape(spec.outFeatures()));
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        return Linear.linear(x, array(weight), array(bias)).singletonOrThrow();
    }
}
