package dev.halp.kafka.record;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a frame's planar RGB bytes become the network's input, as the model was trained: each channel
 * {@code (value / 255 - mean) / std}, the channels in RGB or BGR order. Part of the model's configuration,
 * applied wherever pixel bytes become floats (the first block of every participant, a rescue), so every
 * segment sees exactly the tensor whole-frame inference would. {@code spec}: {@code none} ({@code value/255},
 * the default), {@code imagenet} (torchvision's mean 0.485, 0.456, 0.406 and std 0.229, 0.224, 0.225), or
 * {@code mean=r,g,b;std=r,g,b}. Immutable; equal when spec and channel order are.
 */
public final class Normalization implements Serializable {

    public static final Normalization NONE = new Normalization("none", false);

    private final String spec;
    private final boolean bgr;
    private final float[] mean;
    private final float[] std;

    /** Fails on a bad {@code spec}, saying what was expected. */
    public Normalization(String spec, boolean bgr) {
        this.spec = spec == null ? "none" : spec;
        this.bgr = bgr;
        float[][] ms = parse(this.spec);
        this.mean = ms[0];
        this.std = ms[1];
    }

    public String spec() {
        return spec;
    }

    public boolean bgr() {
        return bgr;
    }

    /** Mean then std, three values each. */
    private static float[][] parse(String spec) {
        if (spec.equals("none")) {
            return new float[][] {{0, 0, 0}, {1, 1, 1}};
        }
        if (spec.equals("imagenet")) {
            return new float[][] {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
        }
        String[] parts = spec.split(";");
        if (parts.length != 2 || !parts[0].startsWith("mean=") || !parts[1].startsWith("std=")) {
            throw new IllegalArgumentException("expected none, imagenet or mean=r,g,b;std=r,g,b, got '" + spec + "'");
        }
        float[] mean = three(parts[0].substring(5), spec);
        float[] std = three(parts[1].substring(4), spec);
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got '" + spec + "'");
            }
        }
        return new float[][] {mean, std};
    }

    private static float[] three(String csv, String spec) {
        String[] v = csv.split(",");
        if (v.length != 3) {
            throw new IllegalArgumentException("three values per channel list expected, got '" + spec + "'");
        }
        try {
            return new float[] {Float.parseFloat(v[0]), Float.parseFloat(v[1]), Float.parseFloat(v[2])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in '" + spec + "'");
        }
    }

    /** Planar pixel bytes of shape {@code [N, 3, H, W]} as the network's input. */
    public float[] toFloats(byte[] pixels, long[] shape) {
        if (this.equals(NONE)) {
            return FramePixels.toFloats(pixels);
        }
        int plane = Math.toIntExact(shape[2] * shape[3]);
        float[] out = new float[pixels.length];
        for (int p = 0; p < pixels.length / plane; p++) {
            int c = p % 3;
            int from = bgr ? p - c + (2 - c) : p; // BGR: the model's channel c is the camera's channel 2 - c
            for (int i = 0; i < plane; i++) {
                out[p * plane + i] = ((pixels[from * plane + i] & 0xff) / 255f - mean[c]) / std[c];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && spec.equals(n.spec) && bgr == n.bgr;
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, bgr);
    }

    @Override
    public String toString() {
        return spec + (bgr ? ", BGR" : "") + " mean " + Arrays.toString(mean) + " std " + Arrays.toString(std);
    }
}
