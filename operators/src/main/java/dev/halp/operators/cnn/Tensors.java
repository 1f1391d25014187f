package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.layer.BorderFill;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between {@link TensorBytes} and NDArrays, and explicit border padding of row slices. */
final class Tensors {

    private static final int ALIGNMENT = 64;
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Tensors() {
    }

    /**
     * The engine's view of {@code t}, in memory aligned to 64 bytes like the engine's own allocations:
     * some BLAS kernels take other paths on less aligned data, and a slice must meet the kernel the whole
     * frame met.
     */
    static NDArray toNDArray(NDManager m, TensorBytes t) {
        ByteBuffer bb = ByteBuffer.allocateDirect(t.data().length + 2 * ALIGNMENT).alignedSlice(ALIGNMENT)
                .limit(t.data().length).order(ByteOrder.nativeOrder());
        if (NATIVE_LITTLE_ENDIAN) {
            bb.put(t.data()).flip();
        } else {
            bb.asFloatBuffer().put(ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        }
        return m.create(bb, new Shape(t.shape()), DataType.FLOAT32);
    }

    static TensorBytes toBytes(NDArray x) {
        if (x.getDataType() != DataType.FLOAT32 || x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("expected a float32 NCHW array, got " + x);
        }
        // the engine's bytes are in native order: on little-endian machines they are the wire format already
        return NATIVE_LITTLE_ENDIAN ? new TensorBytes(x.getShape().getShape(), x.toByteArray())
                : TensorBytes.ofFloats(x.getShape().getShape(), x.toFloatArray());
    }

    /** Adds {@code top} and {@code bottom} rows of the layer's padding value around a slice. */
    static NDArray padRows(NDArray x, int top, int bottom, BorderFill fill) {
        if (top == 0 && bottom == 0) {
            return x;
        }
        float value = fill == BorderFill.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY : 0f;
        Shape s = x.getShape();
        NDManager m = x.getManager();
        NDList parts = new NDList();
        if (top > 0) {
            parts.add(m.full(new Shape(s.get(0), s.get(1), top, s.get(3)), value));
        }
        parts.add(x);
        if (bottom > 0) {
            parts.add(m.full(new Shape(s.get(0), s.get(1), bottom, s.get(3)), value));
        }
        return NDArrays.concat(parts, 2);
    }
}
