package dev.halp.partitioner.layer;

/**
 * A layer of the head (pooling to a fixed size, flatten, fully connected). The head is never split: the
 * host runs it on the stitched feature map.
 */
public sealed interface HeadLayer {

    String name();

    /** PyTorch's {@code AdaptiveAvgPool2d((height, width))}: bins {@code [floor(i*H/h), ceil((i+1)*H/h))}. */
    record AdaptiveAvgPool(String name, int height, int width) implements HeadLayer {
        public AdaptiveAvgPool {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("bad adaptive pooling size " + height + "x" + width);
            }
        }
    }

    /** Flattens channels x height x width into one vector per frame. */
    record Flatten(String name) implements HeadLayer { }

    /** Fully connected layer, torchvision's {@code Linear(in, out)}. */
    record Linear(String name, int inFeatures, int outFeatures) implements HeadLayer {
        public Linear {
            if (inFeatures <= 0 || outFeatures <= 0) {
                throw new IllegalArgumentException("bad linear layer " + name);
            }
        }
    }

    /** ReLU inside the head. */
    record Relu(String name) implements HeadLayer { }

    /** Dropout: the identity at inference; kept so indices match torchvision's {@code classifier.N}. */
    record Dropout(String name) implements HeadLayer { }
}
