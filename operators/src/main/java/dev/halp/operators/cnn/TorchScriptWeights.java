package dev.halp.operators.cnn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports weights from a TorchScript file of a torchvision-layout model by parameter name
 * ({@code features.N.weight}, {@code classifier.N.bias}, ...), so the project's own splittable layers can
 * run a model trained elsewhere. Loaded offline through DJL's PyTorch engine.
 */
final class TorchScriptWeights {

    private TorchScriptWeights() {
    }

    static void importInto(CnnBlock block, Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("weights file not found: " + file);
        }
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file.toAbsolutePath())
                .optEngine("PyTorch")
                .optTranslator(new NoopTranslator())
                .build();
        try (ZooModel<NDList, NDList> ts = criteria.loadModel()) {
            Map<String, NDArray> source = new HashMap<>();
            for (Pair<String, Parameter> p : ts.getBlock().getParameters()) {
                source.put(p.getKey(), p.getValue().getArray());
            }
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, WeightSlot> e : block.parametersByName().entrySet()) {
                NDArray src = source.remove(e.getKey());
                Shape want = e.getValue().shape();
                if (src == null && e.getKey().contains(".running_")) {
                    problems.add("missing " + e.getKey() + " (DJL reads a TorchScript module's parameters, not its"
                            + " buffers: export batch-norm running statistics as frozen parameters, see README)");
                } else if (src == null) {
                    problems.add("missing " + e.getKey());
                } else if (!src.getShape().equals(want)) {
                    problems.add(e.getKey() + " has shape " + src.getShape() + ", expected " + want);
                } else {
                    e.getValue().set(manager.create(src.toType(DataType.FLOAT32, false).toFloatArray(), want));
                }
            }
            source.keySet().removeIf(k -> k.endsWith("num_batches_tracked"));
            if (!source.isEmpty()) {
                problems.add("unexpected parameters " + new java.util.TreeSet<>(source.keySet()));
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(file + " does not match " + block.spec().name() + ": "
                        + String.join("; ", problems));
            }
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new IllegalArgumentException("cannot load TorchScript file " + file + ": " + e.getMessage(), e);
        }
    }
}
