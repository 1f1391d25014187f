package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import dev.halp.partitioner.layer.HeadLayer;

/** Parameter-free head layers: adaptive average pooling, flatten and dropout (identity at inference). */
final class ShapeLayer extends LayerBlock {

    private final HeadLayer spec;

    ShapeLayer(HeadLayer spec) {
        super(spec.name());
        this.spec = spec;
    }

    @Override
    public NDArray apply(NDArray x, boolean slice) {
        if (spec instanceof HeadLayer.Flatten) {
            return x.reshape(x.getShape().get(0), -1);
        }
        if (spec instanceof HeadLayer.AdaptiveAvgPool pool) {
            return adaptiveAvgPool(x, pool.height(), pool.width());
        }
        return x;
    }

    /** PyTorch's bins: {@code [floor(i*H/h), ceil((i+1)*H/h))}; the identity when sizes already match. */
    private static NDArray adaptiveAvgPool(NDArray x, int oh, int ow) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (h == oh && w == ow) {
            return x;
        }
        NDArray[] rows = new NDArray[oh];
        for (int i = 0; i < oh; i++) {
            long h0 = Math.floorDiv(i * h, oh);
            long h1 = -Math.floorDiv(-(i + 1) * h, oh);
            NDArray[] cols = new NDArray[ow];
            for (int j = 0; j < ow; j++) {
                long w0 = Math.floorDiv(j * w, ow);
                long w1 = -Math.floorDiv(-(j + 1) * w, ow);
                cols[j] = x.get(new NDIndex(":, :, {}:{}, {}:{}", h0, h1, w0, w1)).mean(new int[] {3}, true).mean(new int[] {2}, true);
            }
            rows[i] = NDArrays.concat(new ai.djl.ndarray.NDList(cols), 3);
        }
        return NDArrays.concat(new ai.djl.ndarray.NDList(rows), 2);
    }
}
