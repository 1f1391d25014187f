package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * One 64-bit hash per row of an NCHW float tensor over the exact bits of every value in that row (all
 * batch entries, channels and columns), so two tensors' rows can be compared bit for bit without keeping
 * either tensor. Read in row chunks to bound the Java copy.
 */
final class RowHashes {

    private static final long CHUNK_ELEMENTS = 1 << 22;

    private RowHashes() {
    }

    static long[] of(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        int rows = (int) s.get(2);
        int width = (int) s.get(3);
        long[] hashes = new long[rows];
        java.util.Arrays.fill(hashes, 0xcbf29ce484222325L);
        int chunk = (int) Math.max(1, CHUNK_ELEMENTS / Math.max(1, n * c * width));
        for (int r0 = 0; r0 < rows; r0 += chunk) {
            int r1 = Math.min(rows, r0 + chunk);
            float[] v = x.get(new NDIndex(":, :, {}:{}, :", r0, r1)).toFloatArray();
            int span = r1 - r0;
            for (int plane = 0; plane < n * c; plane++) {
                for (int r = 0; r < span; r++) {
                    long h = hashes[r0 + r];
                    int base = (plane * span + r) * width;
                    for (int w = 0; w < width; w++) {
                        h = (h ^ Float.floatToRawIntBits(v[base + w])) * 0x100000001b3L;
                    }
                    hashes[r0 + r] = h;
                }
            }
        }
        return hashes;
    }
}
