package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.halp.partitioner.layer.PoolSpec;

/** Max or average pooling, floor mode; average pooling counts padding in the divisor. */
final class PoolLayer extends LayerBlock {

    private final PoolSpec spec;

    PoolLayer(PoolSpec spec) {
        super(spec.name());
        this.spec = spec;
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        Shape kernel = new Shape(spec.kernel(), spec.kernel());
        Shape stride = new Shape(spec.stride(), spec.stride());
        Shape pad = new Shape(slice ? 0 : spec.padding(), spec.padding());
        return spec.kind() == PoolSpec.Kind.MAX
                ? Pool.maxPool2d(x, kernel, stride, pad, false)
                : Pool.avgPool2d(x, kernel, stride, pad, false, true);
    }

    /** A maximum is exact in any order; an average rounds. */
    @Override
    public boolean roundingFree() {
        return spec.kind() == PoolSpec.Kind.MAX;
    }
}
