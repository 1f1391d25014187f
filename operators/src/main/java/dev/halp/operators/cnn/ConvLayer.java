package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import dev.halp.partitioner.layer.Conv2dSpec;

/**
 * 2-D convolution (grouped and depthwise included).
 *
 * <p>PyTorch's CPU convolution picks oneDNN or its native kernel from the input's size (ATen's
 * {@code ConvParams::use_mkldnn}), and the two accumulate sums in different orders. A slice must run
 * on the kernel the whole frame runs on, or its rows differ in the last bits: a slice too small for
 * oneDNN gets zero rows appended (their outputs are dropped), a slice too large for the native kernel is
 * computed in row tiles.
 */
final class ConvLayer extends LayerBlock {

    /** ATen's size limit below which a batch-1, ungrouped, small-kernel convolution runs natively. */
    static final long NATIVE_MAX_ELEMENTS = 20480;

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

    @Override
    public NDArray applySlice(NDArray x, int inputHeight) {
        Shape s = x.getShape();
        int threads = JniUtils.getNumThreads();
        boolean wholeOneDnn = usesOneDnn(spec, s.get(0), s.get(1), inputHeight, s.get(3), threads);
        boolean sliceOneDnn = usesOneDnn(spec, s.get(0), s.get(1), s.get(2), s.get(3), threads);
        if (wholeOneDnn == sliceOneDnn) {
            return apply(x, true);
        }
        long outRows = outputRows(s.get(2));
        long rowElements = s.get(0) * s.get(1) * s.get(3);
        if (wholeOneDnn) {
            long needRows = NATIVE_MAX_ELEMENTS / rowElements + 1;
            long extra = roundUp(needRows - s.get(2), spec.stride());
            NDArray padded = NDArrays.concat(new NDList(x, x.getManager().zeros(new Shape(s.get(0), s.get(1), extra,
                    s.get(3)))), 2);
            // a copy, not a view: the next layer must see a contiguous tensor, as in the whole frame
            return apply(padded, true).get(new NDIndex(":, :, 0:{}", outRows)).duplicate();
        }
        // the native kernel on row tiles small enough for it
        long span = (long) spec.dilation() * (spec.kernel() - 1) + 1;
        long maxInRows = NATIVE_MAX_ELEMENTS / rowElements;
        long tileOut = Math.max(1, (maxInRows - span) / spec.stride() + 1);
        NDList tiles = new NDList();
        for (long o = 0; o < outRows; o += tileOut) {
            long end = Math.min(outRows, o + tileOut);
            long inStart = o * spec.stride();
            long inEnd = (end - 1) * spec.stride() + span;
            tiles.add(apply(x.get(new NDIndex(":, :, {}:{}", inStart, inEnd)), true));
        }
        return NDArrays.concat(tiles, 2);
    }

    /** ATen's choice for a float32 CPU convolution (PyTorch 2.x {@code use_mkldnn}). */
    static boolean usesOneDnn(Conv2dSpec c, long n, long channels, long height, long width, int threads) {
        boolean oneByOne = c.kernel() == 1;
        boolean notNativeOneByOne = c.stride() > 1 || c.dilation() > 1 || n >= 16 || !oneByOne || threads > 1;
        boolean bigEnough = c.groups() > 1 || c.kernel() > 3 || n > 1
                || n * channels * height * width > NATIVE_MAX_ELEMENTS;
        return notNativeOneByOne && bigEnough;
    }

    private long outputRows(long paddedRows) {
        return (paddedRows - (long) spec.dilation() * (spec.kernel() - 1) - 1) / spec.stride() + 1;
    }

    private static long roundUp(long v, long multiple) {
        return Math.max(multiple, (v + multiple - 1) / multiple * multiple);
    }
}
