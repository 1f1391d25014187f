package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block for one layer of a model spec that can run two ways: on a whole frame with the layer's own
 * padding (an ordinary forward pass), or on an explicitly border-padded row slice with zero height
 * padding (width padding kept), which is how HALP computes a segment.
 */
public abstract class LayerBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String name;
    private final Map<String, WeightSlot> named = new LinkedHashMap<>();

    protected LayerBlock(String name) {
        super(VERSION);
        this.name = name;
    }

    /** The spec's name, torchvision style ({@code features.0}). */
    public String name() {
        return name;
    }

    /** Parameters by their torchvision suffix ({@code weight}, {@code bias}, {@code running_mean}, ...). */
    public Map<String, WeightSlot> namedParameters() {
        return named;
    }

    protected Parameter parameter(String suffix, Parameter.Type type, Shape shape) {
        // no optShape: DJL refuses setArray on a parameter whose shape was declared
        Parameter p = addParameter(Parameter.builder().setName(suffix).setType(type).optRequiresGrad(false).build());
        named.put(suffix, new WeightSlot(p, shape));
        return p;
    }

    /**
     * Runs the layer. With {@code slice} the input is already padded in height and the layer adds none
     * of its own.
     */
    public abstract NDArray apply(NDArray x, boolean slice);

    /**
     * Runs the layer on an explicitly padded slice whose layer input is {@code inputHeight} rows in the
     * whole frame. Layers whose engine kernel depends on the input size override this.
     */
    public NDArray applySlice(NDArray paddedSlice, int inputHeight) {
        return apply(paddedSlice, true);
    }

    /**
     * True for layers whose outputs involve no rounding (ReLU, max pooling): any slice of them is
     * bit-identical to the whole frame on every kernel, so {@link ExactSlices} need not probe them.
     */
    public boolean roundingFree() {
        return false;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow(), false));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("output shapes come from the model spec");
    }

    // parameters carry their own shapes; no input-shape metadata is needed to load them
    @Override
    protected void saveMetadata(DataOutputStream os) {
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) {
    }

    protected static NDArray array(Parameter p) {
        return p.getArray();
    }
}
