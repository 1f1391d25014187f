package dev.halp.operators.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A float32 tensor in NCHW layout as plain little-endian bytes plus its shape: the form in which feature
 * rows cross process boundaries (never as NDArray). Row operations along H work on the bytes directly, so
 * the host can cut and stitch rows without touching the engine.
 */
public record TensorBytes(long[] shape, byte[] data) {

    public static final int FLOAT_BYTES = Float.BYTES;

    public TensorBytes {
        if (shape.length != 4) {
            throw new IllegalArgumentException("expected an NCHW shape, got " + Arrays.toString(shape));
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            elements *= d;
        }
        if (elements * FLOAT_BYTES != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + elements * FLOAT_BYTES
                    + " bytes, got " + data.length);
        }
        shape = shape.clone();
    }

    public static TensorBytes ofFloats(long[] shape, float[] values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * FLOAT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        return new TensorBytes(shape, bb.array());
    }

    public int batch() {
        return (int) shape[0];
    }

    public int channels() {
        return (int) shape[1];
    }

    public int height() {
        return (int) shape[2];
    }

    public int width() {
        return (int) shape[3];
    }

    public float[] toFloats() {
        float[] out = new float[data.length / FLOAT_BYTES];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Rows {@code [from, to)} of every channel (relative to this tensor's first row). */
    public TensorBytes rows(int from, int to) {
        if (from < 0 || to > height() || from > to) {
            throw new IllegalArgumentException("rows [" + from + "," + to + ") outside 0.." + height());
        }
        int rowBytes = width() * FLOAT_BYTES;
        int planes = batch() * channels();
        int n = to - from;
        byte[] out = new byte[planes * n * rowBytes];
        for (int p = 0; p < planes; p++) {
            System.arraycopy(data, (p * height() + from) * rowBytes, out, p * n * rowBytes, n * rowBytes);
        }
        return new TensorBytes(new long[] {shape[0], shape[1], n, shape[3]}, out);
    }

    /** Stacks tensors along H, top to bottom; they must agree on N, C and W. */
    public static TensorBytes concatRows(List<TensorBytes> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        TensorBytes first = parts.get(0);
        int total = 0;
        for (TensorBytes t : parts) {
            if (t.shape[0] != first.shape[0] || t.shape[1] != first.shape[1] || t.shape[3] != first.shape[3]) {
                throw new IllegalArgumentException("cannot stack " + Arrays.toString(t.shape) + " under "
                        + Arrays.toString(first.shape));
            }
            total += t.height();
        }
        if (parts.size() == 1) {
            return first;
        }
        int rowBytes = first.width() * FLOAT_BYTES;
        int planes = first.batch() * first.channels();
        byte[] out = new byte[planes * total * rowBytes];
        for (int p = 0; p < planes; p++) {
            int offset = p * total * rowBytes;
            for (TensorBytes t : parts) {
                int n = t.height() * rowBytes;
                System.arraycopy(t.data, p * n, out, offset, n);
                offset += n;
            }
        }
        return new TensorBytes(new long[] {first.shape[0], first.shape[1], total, first.shape[3]}, out);
    }

    /** Largest absolute element-wise difference; shapes must match. */
    public float maxAbsDiff(TensorBytes other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(other.shape));
        }
        float[] a = toFloats();
        float[] b = other.toFloats();
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (d > max || Float.isNaN(d)) {
                max = Float.isNaN(d) ? Float.NaN : d;
            }
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorBytes t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "TensorBytes" + Arrays.toString(shape);
    }
}
