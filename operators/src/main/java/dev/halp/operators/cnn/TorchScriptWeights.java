package dev.halp.operators.cnn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
            NamedWeights.assign(block, source, file, manager,
                    "DJL reads a TorchScript module's parameters, not its buffers: write the weights as safetensors "
                    + "with tools/export_safetensors.py, or re-register the running statistics as frozen parameters");
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new IllegalArgumentException("cannot load TorchScript file " + file + ": " + e.getMessage(), e);
        }
    }
}
