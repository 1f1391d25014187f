package dev.halp.partitioner.layer;

/** Element-wise ReLU. */
public record ReluSpec(String name) implements LayerSpec {

    @Override public int kernel() { return 1; }
    @Override public int stride() { return 1; }
    @Override public int padding() { return 0; }
    @Override public int dilation() { return 1; }
    @Override public BorderFill borderFill() { return BorderFill.NONE; }
    @Override public int outChannels(int in) { return in; }
    @Override public double macsPerOutput(int in) { return 1; }
}
