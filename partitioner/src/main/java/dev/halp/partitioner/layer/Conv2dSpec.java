package dev.halp.partitioner.layer;

/** 2-D convolution; {@code groups == inChannels == outChannels} is a depthwise convolution. */
public record Conv2dSpec(String name, int inChannels, int outChannels, int kernel, int stride, int padding,
                         int dilation, int groups, boolean bias) implements LayerSpec {

    public Conv2dSpec {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || dilation <= 0
                || groups <= 0) {
            throw new IllegalArgumentException("bad convolution " + name);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": channels " + inChannels + "->" + outChannels
                    + " not divisible by groups " + groups);
        }
    }

    @Override
    public BorderFill borderFill() {
        return padding == 0 ? BorderFill.NONE : BorderFill.ZERO;
    }

    @Override
    public int outChannels(int in) {
        if (in != inChannels) {
            throw new IllegalArgumentException(name + " expects " + inChannels + " input channels, got " + in);
        }
        return outChannels;
    }

    @Override
    public double macsPerOutput(int in) {
        return (double) (inChannels / groups) * kernel * kernel;
    }

    @Override
    public boolean isElementwise() {
        return false;
    }
}
