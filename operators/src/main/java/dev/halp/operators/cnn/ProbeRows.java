package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.halp.operators.tensor.TensorBytes;

/**
 * Pseudo-random layer inputs that are a function of each element's position in the whole input (a
 * SplitMix64 hash of the position), so that rows {@code [from, to)} generated alone equal the same rows of
 * the whole input generated at once. Values lie in [-0.5, 0.5). Made in Java, in row chunks that bound the
 * copy, then joined by the engine.
 */
final class ProbeRows {

    private static final long CHUNK_ELEMENTS = 1 << 20;

    private ProbeRows() {
    }

    /** Rows {@code [from, to)} of an {@code [n, c, height, width]} probe input. */
    static NDArray of(NDManager m, long n, long c, long height, long width, int from, int to) {
        int chunk = (int) Math.max(1, CHUNK_ELEMENTS / Math.max(1, n * c * width));
        NDList parts = new NDList();
        for (int r0 = from; r0 < to; r0 += chunk) {
            parts.add(Tensors.toNDArray(m, rows(n, c, height, width, r0, Math.min(to, r0 + chunk))));
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 2);
    }

    private static TensorBytes rows(long n, long c, long height, long width, int from, int to) {
        int span = to - from;
        float[] v = new float[Math.toIntExact(n * c * span * width)];
        int i = 0;
        for (long plane = 0; plane < n * c; plane++) {
            for (long r = from; r < to; r++) {
                long base = (plane * height + r) * width;
                for (long w = 0; w < width; w++) {
                    v[i++] = value(base + w);
                }
            }
        }
        return TensorBytes.ofFloats(new long[] {n, c, span, width}, v);
    }

    /** SplitMix64's finaliser on the position; the top 24 bits as a float in [-0.5, 0.5). */
    static float value(long position) {
        long z = (position + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 40) / (float) (1 << 24) - 0.5f;
    }
}
