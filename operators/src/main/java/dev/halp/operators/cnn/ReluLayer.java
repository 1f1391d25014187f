package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Element-wise ReLU, in the feature stack or in the head. */
final class ReluLayer extends LayerBlock {

    ReluLayer(String name) {
        super(name);
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        return Activation.relu(x);
    }

    @Override
    public boolean roundingFree() {
        return true;
    }
}
