package dev.halp.partitioner.layer;

/**
 * Max or average pooling (floor mode). Average pooling counts padded zeros in the divisor
 * (PyTorch's {@code count_include_pad=True} default), which is what makes explicit zero padding of a
 * slice give the same result.
 */
public record PoolSpec(String name, Kind kind, int kernel, int stride, int padding) implements LayerSpec {

    public enum Kind { MAX, AVG }

    public PoolSpec {
        if (kernel <= 0 || stride <= 0 || padding < 0 || padding * 2 > kernel) {
            throw new IllegalArgumentException("bad pooling " + name);
        }
    }

    @Override
    public int dilation() {
        return 1;
    }

    @Override
    public BorderFill borderFill() {
        if (padding == 0) {
            return BorderFill.NONE;
        }
        return kind == Kind.MAX ? BorderFill.NEGATIVE_INFINITY : BorderFill.ZERO;
    }

    @Override
    public int outChannels(int in) {
        return in;
    }

    @Override
    public double macsPerOutput(int in) {
        return kernel * kernel;
    }

    @Override
    public boolean isElementwise() {
        return false;
    }
}
