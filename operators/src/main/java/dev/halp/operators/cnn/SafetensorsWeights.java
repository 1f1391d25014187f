package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Imports weights from a safetensors file by tensor name (torchvision's state-dict names), read by DJL's own
 * {@link NDList#decode}. Unlike a TorchScript file as DJL reads it, it holds batch norm's running statistics;
 * {@code tools/export_safetensors.py} writes one from a TorchScript file or a saved state dict.
 */
final class SafetensorsWeights {

    private SafetensorsWeights() {
    }

    static void importInto(CnnBlock block, Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("weights file not found: " + file);
        }
        try (NDManager scratch = manager.newSubManager(); InputStream in = Files.newInputStream(file)) {
            Map<String, NDArray> source = new HashMap<>();
            for (NDArray a : NDList.decode(scratch, in)) {
                source.put(a.getName(), a);
            }
            NamedWeights.assign(block, source, file, manager,
                    "the file has no such tensor: was it written from the model's full state dict?");
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().contains(" does not match ")) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }
}
