package dev.halp.partitioner.layer;

/** Batch normalisation in inference form (running mean and variance): element-wise. */
public record BatchNormSpec(String name, int channels, double epsilon) implements LayerSpec {

    @Override public int kernel() { return 1; }
    @Override public int stride() { return 1; }
    @Override public int padding() { return 0; }
    @Override public int dilation() { return 1; }
    @Override public BorderFill borderFill() { return BorderFill.NONE; }

    @Override
    public int outChannels(int in) {
        if (in != channels) {
            throw new IllegalArgumentException(name + " expects " + channels + " channels, got " + in);
        }
        return in;
    }

    @Override public double macsPerOutput(int in) { return 2; }
}
