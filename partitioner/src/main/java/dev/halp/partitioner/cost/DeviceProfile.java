package dev.halp.partitioner.cost;

import dev.halp.partitioner.model.ModelSpec;

/**
 * How fast one edge server computes feature layers. Implementations: {@link MeasuredProfile} (tables of
 * measured milliseconds by rows, interpolated) and {@link FlopProfile} (FLOPs and bytes over effective
 * throughputs, the fallback when nothing was measured).
 */
public interface DeviceProfile {

    /** A short name for tables and plots. */
    String name();

    /** Layer times for one model, frame size and batch; implementations cache the result. */
    LayerTimes times(ModelSpec model, int height, int width, int batch);

    /** The rows each layer may be asked for: its input height plus padding on both sides. */
    static int[] maxRows(ModelSpec model, int height) {
        int[] h = model.heights(height);
        int[] max = new int[model.features().size()];
        for (int l = 0; l < max.length; l++) {
            var layer = model.features().get(l);
            max[l] = h[l] + 2 * layer.padding() + layer.kernel();
        }
        return max;
    }

    /** Cache key of a workload. */
    static String key(ModelSpec model, int height, int width, int batch) {
        return model.name() + "/" + height + "x" + width + "_b" + batch;
    }
}
