package dev.halp.partitioner.model;

import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.LayerSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A CNN as HALP sees it: a stack of splittable feature layers followed by a head that is never split.
 * Immutable.
 */
public record ModelSpec(String name, int inChannels, List<LayerSpec> features, List<HeadLayer> head) {

    public ModelSpec {
        features = List.copyOf(features);
        head = List.copyOf(head);
        if (features.isEmpty()) {
            throw new IllegalArgumentException(name + " has no feature layers");
        }
    }

    /** Input heights of every feature layer plus the final output height (size {@code layers + 1}). */
    public int[] heights(int frameHeight) {
        return sizes(frameHeight);
    }

    /** Input widths of every feature layer plus the final output width. */
    public int[] widths(int frameWidth) {
        return sizes(frameWidth);
    }

    /** Channels entering every feature layer plus the channels of the final feature map. */
    public int[] channels() {
        int[] c = new int[features.size() + 1];
        c[0] = inChannels;
        for (int i = 0; i < features.size(); i++) {
            c[i + 1] = features.get(i).outChannels(c[i]);
        }
        return c;
    }

    /**
     * The smallest frame size (height or width) for which every feature layer produces at least one row;
     * smaller frames are rejected before any work starts.
     */
    public int minimumInputSize() {
        for (int size = 1; size < 1 << 16; size++) {
            if (fits(size)) {
                return size;
            }
        }
        throw new IllegalStateException(name + ": no input size fits");
    }

    /** True when every layer produces at least one row from {@code size} input rows. */
    public boolean fits(int size) {
        int s = size;
        for (LayerSpec layer : features) {
            s = layer.outputSize(s);
            if (s <= 0) {
                return false;
            }
        }
        return true;
    }

    private int[] sizes(int input) {
        int[] h = new int[features.size() + 1];
        h[0] = input;
        for (int i = 0; i < features.size(); i++) {
            h[i + 1] = features.get(i).outputSize(h[i]);
            if (h[i + 1] <= 0) {
                throw new IllegalArgumentException(name + ": input size " + input + " is too small, layer "
                        + features.get(i).name() + " gets " + h[i] + " rows; the minimum is " + minimumInputSize());
            }
        }
        return h;
    }

    /** A copy with the given features only (used by tests that cut models). */
    public ModelSpec withFeatures(List<LayerSpec> newFeatures) {
        return new ModelSpec(name, inChannels, new ArrayList<>(newFeatures), head);
    }
}
