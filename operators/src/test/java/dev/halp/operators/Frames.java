package dev.halp.operators;

import dev.halp.operators.tensor.TensorBytes;

import java.util.SplittableRandom;

/** Seeded test frames: pixels in [0, 1), NCHW with batch 1. */
public final class Frames {

    private Frames() {
    }

    public static TensorBytes random(long seed, int channels, int height, int width) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[channels * height * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return TensorBytes.ofFloats(new long[] {1, channels, height, width}, v);
    }
}
