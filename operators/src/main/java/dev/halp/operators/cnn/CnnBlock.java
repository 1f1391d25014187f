package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.halp.partitioner.layer.BatchNormSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model spec as one DJL block: its forward pass is whole-frame inference (features then head), and its
 * parameters save and load in DJL's {@code .params} format. The layers are also reachable one by one so
 * that any run of them can be executed on a row slice.
 */
public final class CnnBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelSpec spec;
    private final List<LayerBlock> features = new ArrayList<>();
    private final List<LayerBlock> head = new ArrayList<>();

    public CnnBlock(ModelSpec spec) {
        super(VERSION);
        this.spec = spec;
        for (LayerSpec l : spec.features()) {
            features.add(addChildBlock(l.name(), featureLayer(l)));
        }
        for (HeadLayer h : spec.head()) {
            head.add(addChildBlock(h.name(), headLayer(h)));
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public List<LayerBlock> features() {
        return Collections.unmodifiableList(features);
    }

    public List<LayerBlock> head() {
        return Collections.unmodifiableList(head);
    }

    /** Every parameter by its torchvision-style name ({@code features.0.weight}, {@code classifier.6.bias}). */
    public Map<String, WeightSlot> parametersByName() {
        Map<String, WeightSlot> out = new LinkedHashMap<>();
        for (LayerBlock b : features) {
            b.namedParameters().forEach((suffix, p) -> out.put(b.name() + "." + suffix, p));
        }
        for (LayerBlock b : head) {
            b.namedParameters().forEach((suffix, p) -> out.put(b.name() + "." + suffix, p));
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (LayerBlock b : features) {
            x = b.apply(x, false);
        }
        for (LayerBlock b : head) {
            x = b.apply(x, false);
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long classes = spec.head().stream().filter(h -> h instanceof HeadLayer.Linear)
                .mapToLong(h -> ((HeadLayer.Linear) h).outFeatures()).reduce((a, b) -> b).orElse(-1);
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    /** One NCHW frame batch of any height and width. */
    @Override
    public PairList<String, Shape> describeInput() {
        return new PairList<>(List.of("frames"), List.of(new Shape(-1, spec.inChannels(), -1, -1)));
    }

    /** Initialised once every parameter holds values (DJL's default also wants recorded input shapes). */
    @Override
    public boolean isInitialized() {
        return parametersByName().values().stream().allMatch(w -> w.parameter().isInitialized());
    }

    @Override
    protected void saveMetadata(DataOutputStream os) {
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) {
    }

    static LayerBlock featureLayer(LayerSpec l) {
        if (l instanceof GraphBlockSpec g) {
            return new GraphLayer(g);
        }
        if (l instanceof Conv2dSpec c) {
            return new ConvLayer(c);
        }
        if (l instanceof PoolSpec p) {
            return new PoolLayer(p);
        }
        if (l instanceof BatchNormSpec bn) {
            return new BatchNormLayer(bn);
        }
        return new ReluLayer(((ReluSpec) l).name());
    }

    private static LayerBlock headLayer(HeadLayer h) {
        if (h instanceof HeadLayer.Linear lin) {
            return new LinearLayer(lin);
        }
        if (h instanceof HeadLayer.Relu r) {
            return new ReluLayer(r.name());
        }
        return new ShapeLayer(h);
    }
}
