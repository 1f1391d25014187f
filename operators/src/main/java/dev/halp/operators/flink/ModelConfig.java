package dev.halp.operators.flink;

import dev.halp.operators.cnn.CnnModel;
import dev.halp.partitioner.model.Models;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which model the operators run, and a per-JVM holder so that every subtask of one TaskManager shares one
 * copy of the weights (reference-counted: the last subtask to close releases the native memory).
 */
public record ModelConfig(String model, long seed, String weights, int threads) implements Serializable {

    private static final Map<ModelConfig, CnnModel> MODELS = new HashMap<>();
    private static final Map<ModelConfig, Integer> USERS = new HashMap<>();

    public ModelConfig {
        Objects.requireNonNull(model, "model");
        Models.byName(model);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** The shared model, built on first use; pair every call with {@link #release()}. */
    public CnnModel acquire() {
        synchronized (MODELS) {
            CnnModel m = MODELS.get(this);
            if (m == null) {
                m = CnnModel.builder().setSpec(Models.byName(model)).optSeed(seed)
                        .optWeights(weights == null ? null : Path.of(weights)).optThreads(threads).build();
                MODELS.put(this, m);
            }
            USERS.merge(this, 1, Integer::sum);
            return m;
        }
    }

    public void release() {
        synchronized (MODELS) {
            Integer users = USERS.get(this);
            if (users == null) {
                return;
            }
            if (users > 1) {
                USERS.put(this, users - 1);
            } else {
                USERS.remove(this);
                CnnModel m = MODELS.remove(this);
                if (m != null) {
                    m.close();
                }
            }
        }
    }
}
