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
        int n = Math.toIntExact(shape.size());
        return source(seed, name, type, shape).next(0, n);
    }

    /**
     * The values of one parameter in consecutive runs (each call continues where the last ended), so a large
     * parameter never needs one array of all its values: VGG-16's fc6 alone is 411 MB.
     */
    static WeightSlot.Values source(long seed, String name, Parameter.Type type, Shape shape) {
        SplittableRandom rnd = new SplittableRandom(seed ^ fnv1a(name));
        long fanIn = shape.dimension() > 1 ? shape.size() / shape.get(0) : shape.get(0);
        double[] range = switch (type) {
            case WEIGHT -> new double[] {-Math.sqrt(6.0 / fanIn), Math.sqrt(6.0 / fanIn)};
            case BIAS, BETA, RUNNING_MEAN -> new double[] {-0.05, 0.05};
            case GAMMA, RUNNING_VAR -> new double[] {0.5, 1.5};
            default -> new double[] {-0.1, 0.1};
        };
        return (offset, count) -> {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = (float) rnd.nextDouble(range[0], range[1]);
            }
            return v;
        };
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
