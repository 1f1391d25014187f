package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import dev.halp.partitioner.layer.BatchNormSpec;

/** Batch norm in inference form: running statistics, never updated. */
final class BatchNormLayer extends LayerBlock {

    private final BatchNormSpec spec;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter mean;
    private final Parameter var;

    BatchNormLayer(BatchNormSpec spec) {
        super(spec.name());
        this.spec = spec;
        Shape c = new Shape(spec.channels());
        gamma = parameter("weight", Parameter.Type.GAMMA, c);
        beta = parameter("bias", Parameter.Type.BETA, c);
        mean = parameter("running_mean", Parameter.Type.RUNNING_MEAN, c);
        var = parameter("running_var", Parameter.Type.RUNNING_VAR, c);
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        return BatchNorm.batchNorm(x, array(mean), array(var), array(gamma), array(beta), 1, 0.1f,
                (float) spec.epsilon(), false).singletonOrThrow();
    }
}
