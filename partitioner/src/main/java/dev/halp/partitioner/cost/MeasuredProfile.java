package dev.halp.partitioner.cost;

import dev.halp.partitioner.util.BoundedCache;
import dev.halp.partitioner.model.ModelSpec;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device profile measured layer by layer ({@code shared/profiles/*.json}): per frame size, batch and
 * data type, every feature layer's milliseconds by input rows. The file codec lives in {@code flink-job}
 * (Jackson); this is the plain model.
 *
 * <p>Choosing a table: the exact frame size and batch in {@code dtype} if measured; otherwise the table
 * of that dtype whose width is closest (then whose batch is closest), with times scaled linearly by
 * width and batch ratio. Rows are interpolated in absolute rows, so a taller frame extrapolates
 * proportionally. The scaling also stretches fixed per-layer costs, which is a rough, stated fallback.
 * A table's {@code R} rows are run with the layer's own padding, so they stand for {@code R + 2p}
 * explicitly padded rows.
 *
 * @param scale multiplies every time (1.0 as measured; another value derives a slower or faster class
 *              of device from a measured one)
 */
public record MeasuredProfile(String name, String device, String framework, String description, String dtype,
                              double scale, Map<String, List<MeasuredLayer>> tables) implements DeviceProfile {

    /** Layer tables kept, one per profile, workload and batch. */
    private static final BoundedCache<String, LayerTimes> CACHE = new BoundedCache<>("profile tables", 64);

    public MeasuredProfile {
        tables = new LinkedHashMap<>(tables);
        tables.keySet().forEach(TableKey::parse);
        if (!(scale > 0)) {
            throw new IllegalArgumentException("profile " + name + ": scale must be positive");
        }
    }

    /** The same tables under another name, every time multiplied by {@code factor}. */
    public MeasuredProfile scaled(String newName, double factor) {
        return new MeasuredProfile(newName, device, framework, description, dtype, scale * factor, tables);
    }

    @Override
    public LayerTimes times(ModelSpec model, int height, int width, int batch) {
        return CACHE.get(name + "*" + scale + "@" + System.identityHashCode(tables) + "/"
                + DeviceProfile.key(model, height, width, batch), k -> build(model, height, width, batch));
    }

    private LayerTimes build(ModelSpec model, int height, int width, int batch) {
        TableKey key = choose(height, width, batch);
        List<MeasuredLayer> layers = tables.get(key.toString());
        if (layers.size() != model.features().size()) {
            throw new IllegalArgumentException("profile " + name + " table " + key + " has " + layers.size()
                    + " layers but " + model.name() + " has " + model.features().size());
        }
        RowLinearity.check(name, key.toString(), layers);
        double factor = scale * width / key.width() * batch / key.batch();
        // a table's R rows run with the layer's own padding: the same work as R + 2p explicitly padded rows
        return new LayerTimes(DeviceProfile.maxRows(model, height), (l, rows) -> factor
                * layers.get(l).millis(Math.max(1, rows - 2 * model.features().get(l).padding())));
    }

    /** The table used for a workload (see the class comment). */
    public TableKey choose(int height, int width, int batch) {
        return tables.keySet().stream().map(TableKey::parse)
                .filter(k -> k.dtype().equals(dtype))
                .min(Comparator.<TableKey>comparingInt(k -> k.height() == height && k.width() == width ? 0 : 1)
                        .thenComparingInt(k -> Math.abs(k.width() - width))
                        .thenComparingInt(k -> Math.abs(k.batch() - batch))
                        .thenComparingInt(k -> Math.abs(k.height() - height)))
                .orElseThrow(() -> new IllegalArgumentException("profile " + name + " has no " + dtype + " table"));
    }
}
