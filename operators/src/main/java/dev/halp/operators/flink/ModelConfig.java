package dev.halp.operators.flink;

import ai.djl.Device;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.partitioner.model.Models;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which model the operators run, and a per-JVM holder so that every subtask of one TaskManager shares one
 * copy of the weights per device (reference-counted: the last subtask to close releases the native memory).
 */
public record ModelConfig(String model, long seed, String weights, int threads, boolean exactSlices,
                          dev.halp.kafka.record.Normalization input) implements Serializable {

    /** One shared model per config and device. */
    private record Key(ModelConfig config, Device device) {
    }

    private static final Map<Key, CnnModel> MODELS = new HashMap<>();
    private static final Map<Key, Integer> USERS = new HashMap<>();

    /** Slices checked against the whole frame ({@link dev.halp.operators.cnn.ExactSlices}). */
    public ModelConfig(String model, long seed, String weights, int threads) {
        this(model, seed, weights, threads, true);
    }

    /** Input as {@code value/255}, no normalisation. */
    public ModelConfig(String model, long seed, String weights, int threads, boolean exactSlices) {
        this(model, seed, weights, threads, exactSlices, dev.halp.kafka.record.Normalization.NONE);
    }

    public ModelConfig {
        Objects.requireNonNull(model, "model");
        Models.byName(model);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** The shared model on the CPU; pair every call with {@link #release(CnnModel)}. */
    public CnnModel acquire() {
        return acquire(Device.cpu());
    }

    /**
     * The shared model on {@code device} (see {@link DeviceSelection}), built on first use; pair every call
     * with {@link #release(CnnModel)}.
     */
    public CnnModel acquire(Device device) {
        Key key = new Key(this, Objects.requireNonNull(device, "device"));
        synchronized (MODELS) {
            CnnModel m = MODELS.get(key);
            if (m == null) {
                m = CnnModel.builder().setSpec(Models.byName(model)).optSeed(seed)
                        .optWeights(weights == null ? null : Path.of(weights)).optThreads(threads)
                        .optExactSlices(exactSlices)
                        .optDevice(device).build();
                MODELS.put(key, m);
            }
            USERS.merge(key, 1, Integer::sum);
            return m;
        }
    }

    /** Gives back a model from {@link #acquire(Device)}; the last user closes it. */
    public void release(CnnModel acquired) {
        synchronized (MODELS) {
            Key key = null;
            for (Map.Entry<Key, CnnModel> e : MODELS.entrySet()) {
                if (e.getValue() == acquired && e.getKey().config().equals(this)) {
                    key = e.getKey();
                    break;
                }
            }
            if (key == null) {
                return;
            }
            int users = USERS.getOrDefault(key, 1);
            if (users > 1) {
                USERS.put(key, users - 1);
            } else {
                USERS.remove(key);
                MODELS.remove(key).close();
            }
        }
    }
}
