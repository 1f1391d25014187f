package dev.halp.partitioner.cost;

import dev.halp.partitioner.graph.GraphNode;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A roofline-style device model for when no table was measured: a layer costs a fixed per-layer overhead
 * (kernel launch, framework dispatch) plus the larger of its arithmetic time (FLOPs over an effective
 * throughput) and its memory time (bytes read and written over an effective memory bandwidth). Effective
 * values, not datasheet peaks, are what the user states.
 *
 * @param effectiveGflops   sustained GFLOP/s on convolutions
 * @param memoryGBps        sustained GB/s for element-wise layers and pooling
 * @param overheadMs        fixed cost of every layer call, in milliseconds
 * @param bytesPerValue     bytes per tensor element (4 for fp32)
 */
public record FlopProfile(String name, double effectiveGflops, double memoryGBps, double overheadMs,
                          int bytesPerValue) implements DeviceProfile {

    private static final Map<String, LayerTimes> CACHE = new ConcurrentHashMap<>();

    public FlopProfile {
        if (!(effectiveGflops > 0) || !(memoryGBps > 0) || overheadMs < 0 || bytesPerValue <= 0) {
            throw new IllegalArgumentException("profile " + name + ": throughputs must be positive, overhead >= 0");
        }
    }

    /** The last answer, checked first: planners ask for the same tables thousands of times. */
    private record Last(FlopProfile profile, ModelSpec model, int height, int width, int batch, LayerTimes times) { }

    private static volatile Last last;

    @Override
    public LayerTimes times(ModelSpec model, int height, int width, int batch) {
        Last l = last;
        if (l != null && l.model == model && l.height == height && l.width == width && l.batch == batch
                && (l.profile == this || l.profile.equals(this))) {
            return l.times;
        }
        LayerTimes t = CACHE.computeIfAbsent(this + "@" + DeviceProfile.key(model, height, width, batch),
                k -> build(model, height, width, batch));
        last = new Last(this, model, height, width, batch, t);
        return t;
    }

    private LayerTimes build(ModelSpec model, int height, int width, int batch) {
        int[] widths = model.widths(width);
        int[] channels = model.channels();
        return new LayerTimes(DeviceProfile.maxRows(model, height), (l, rows) -> {
            LayerSpec layer = model.features().get(l);
            // the layer runs on explicitly padded rows with zero height padding
            int span = layer.dilation() * (layer.kernel() - 1) + 1;
            double outRows = rows < span ? 0 : (rows - span) / layer.stride() + 1;
            if (layer instanceof GraphBlockSpec block) {
                return blockMs(block, channels[l], (double) batch * outRows * widths[l + 1]);
            }
            double outElements = (double) batch * channels[l + 1] * outRows * widths[l + 1];
            double inElements = (double) batch * channels[l] * rows * widths[l];
            return callMs(2 * outElements * layer.macsPerOutput(channels[l]), inElements + outElements);
        });
    }

    private double callMs(double flops, double elements) {
        return overheadMs + Math.max(flops / (effectiveGflops * 1e6), elements * bytesPerValue / (memoryGBps * 1e6));
    }

    /** A block costs one call per node, each node's outputs in proportion to the block's output pixels. */
    private double blockMs(GraphBlockSpec block, int inChannels, double outPixels) {
        int[] c = block.channels(inChannels);
        double[] scale = block.pixelsPerOutput();
        double ms = 0;
        for (int i = 0; i < c.length; i++) {
            GraphNode node = block.graph().nodes().get(i);
            int[] inputs = block.graph().inputsOf(i);
            int nodeIn = inputs[0] < 0 ? inChannels : c[inputs[0]];
            double out = c[i] * outPixels * scale[i];
            if (node.isAdd()) {
                ms += callMs(out * (inputs.length - 1), out * (inputs.length + 1));
            } else {
                int s = node.layer().stride();
                double in = (double) nodeIn * outPixels * scale[i] * s * s;
                ms += callMs(2 * out * node.layer().macsPerOutput(nodeIn), in + out);
            }
        }
        return ms;
    }
}
