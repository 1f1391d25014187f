package dev.halp.partitioner.layer;

/** What a layer's height padding contains, so a slice can be padded explicitly with the same values. */
public enum BorderFill {
    /** Convolution and average pooling pad with zeros. */
    ZERO,
    /** Max pooling pads with negative infinity (padding never wins a max). */
    NEGATIVE_INFINITY,
    /** The layer reads no neighbouring rows and never pads. */
    NONE
}
