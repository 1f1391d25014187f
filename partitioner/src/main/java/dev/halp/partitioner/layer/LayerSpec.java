package dev.halp.partitioner.layer;

import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.rf.RowWindow;

/**
 * One splittable feature layer. Kernels, strides, paddings and dilations are square (the same along
 * height and width), which covers VGG, MobileNet and the test nets; only the height is ever split.
 *
 * <p>{@code name} is the parameter prefix, torchvision style ({@code features.3}), so weights can be
 * imported by name.
 */
public sealed interface LayerSpec permits Conv2dSpec, PoolSpec, ReluSpec, BatchNormSpec, GraphBlockSpec {

    String name();

    int kernel();

    int stride();

    int padding();

    int dilation();

    BorderFill borderFill();

    int outChannels(int inChannels);

    /** Multiply-accumulates per output element (per output channel and pixel), for cost models. */
    double macsPerOutput(int inChannels);

    /** True when the layer reads no neighbouring rows (ReLU, batch norm). */
    default boolean isElementwise() {
        return kernel() == 1 && stride() == 1 && padding() == 0;
    }

    /** Output size along one axis, PyTorch's floor formula. */
    default int outputSize(int inputSize) {
        int numerator = inputSize + 2 * padding() - dilation() * (kernel() - 1) - 1;
        if (numerator < 0) {
            return 0;
        }
        return numerator / stride() + 1;
    }

    /**
     * The input rows that output rows {@code [a, b)} depend on (DESIGN §3):
     * {@code lo = a*s - p}, {@code hi = (b-1)*s - p + d*(k-1) + 1}.
     */
    default RowWindow inputWindow(RowRange out) {
        if (out.isEmpty()) {
            int lo = out.start() * stride() - padding();
            return new RowWindow(lo, lo);
        }
        int lo = out.start() * stride() - padding();
        int hi = (out.end() - 1) * stride() - padding() + dilation() * (kernel() - 1) + 1;
        return new RowWindow(lo, hi);
    }
}
