package dev.halp.operators.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Weights derived in Java from a seed and each parameter's name, so every subtask and every process builds
 * bit-identical weights (PyTorch's global generator is shared by concurrent subtasks and is not).
 * He-uniform weights keep activations of deep ReLU stacks in a sensible range.
 */
public final class SeededWeights {

    private SeededWeights() {
    }

    /** The values of one parameter. */
    public static float[] values(long seed, String name, Parameter.Type type, Shape shape) {
        SplittableRandom rnd = new SplittableRandom(seed ^ fnv1a(name));
        float[] v = new float[Math.toIntExact(shape.size())];
        long fanIn = shape.dimension() > 1 ? shape.size() / shape.get(0) : shape.get(0);
        switch (type) {
            case WEIGHT -> fill(rnd, v, -Math.sqrt(6.0 / fanIn), Math.sqrt(6.0 / fanIn));
            case BIAS, BETA, RUNNING_MEAN -> fill(rnd, v, -0.05, 0.05);
            case GAMMA, RUNNING_VAR -> fill(rnd, v, 0.5, 1.5);
            default -> fill(rnd, v, -0.1, 0.1);
        }
        return v;
    }

    private static void fill(SplittableRandom rnd, float[] v, double lo, double hi) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextDouble(lo, hi);
        }
    }

    /** 64-bit FNV-1a: stable across JVMs, unlike {@code String.hashCode} mixing. */
    static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
