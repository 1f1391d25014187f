package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Assigns weights found by name (torchvision's) to a model's parameters, reporting every mismatch at once. */
final class NamedWeights {

    private NamedWeights() {
    }

    /**
     * Copies {@code source} (name to tensor; consumed) into {@code block}'s parameters; {@code buffersHint} is
     * what to tell a user whose file lacks batch norm's running statistics.
     */
    static void assign(CnnBlock block, Map<String, NDArray> source, Path file, NDManager manager, String buffersHint) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, WeightSlot> e : block.parametersByName().entrySet()) {
            NDArray src = source.remove(e.getKey());
            Shape want = e.getValue().shape();
            if (src == null && e.getKey().contains(".running_")) {
                problems.add("missing " + e.getKey() + " (" + buffersHint + ")");
            } else if (src == null) {
                problems.add("missing " + e.getKey());
            } else if (!src.getShape().equals(want)) {
                problems.add(e.getKey() + " has shape " + src.getShape() + ", expected " + want);
            } else {
                e.getValue().set(manager, WeightSlot.of(src.toType(DataType.FLOAT32, false)));
            }
        }
        source.keySet().removeIf(k -> k.endsWith("num_batches_tracked"));
        if (!source.isEmpty()) {
            problems.add("unexpected parameters " + new TreeSet<>(source.keySet()));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " does not match " + block.spec().name() + ": "
                    + String.join("; ", problems));
        }
    }
}
