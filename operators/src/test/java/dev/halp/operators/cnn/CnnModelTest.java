package dev.halp.operators.cnn;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.halp.operators.Frames;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CnnModelTest {

    private final ModelSpec tiny = Models.tiny();
    private final TensorBytes frame = Frames.random(5, 3, 40, 36);

    private float[] scores(CnnModel m) {
        return m.head(m.features(frame, 0, tiny.features().size()))[0];
    }

    @Test
    void seededWeightsAreReproducibleAndDependOnTheSeed() {
        try (CnnModel a = CnnModel.builder().setSpec(tiny).optSeed(42).build();
             CnnModel b = CnnModel.builder().setSpec(tiny).optSeed(42).build();
             CnnModel c = CnnModel.builder().setSpec(tiny).optSeed(43).build()) {
            assertArrayEquals(scores(a), scores(b));
            assertFalse(Arrays.equals(scores(a), scores(c)));
        }
    }

    /**
     * A TaskManager builds a new model for every job it runs: weights held in the JVM's direct buffers (where
     * the engine keeps an array created from a Java buffer) would exhaust its off-heap budget by the next job.
     */
    @Test
    void weightsLiveInTheEnginesMemoryNotInDirectBuffers(@TempDir Path dir) throws Exception {
        ModelSpec vgg11 = Models.vgg11();
        long weights = 4 * new CnnBlock(vgg11).parametersByName().values().stream()
                .mapToLong(w -> w.shape().size()).sum();
        Path file;
        long before = directBytesAfterGc();
        try (CnnModel seeded = CnnModel.builder().setSpec(vgg11).optSeed(3).build()) {
            long held = directBytesAfterGc() - before;
            assertTrue(held < weights / 20, held + " bytes of direct buffers held for " + weights + " bytes of weights");
            file = seeded.save(dir, "vgg11");
        }
        before = directBytesAfterGc(); // DJL's save keeps a buffer of the largest parameter: not the loader's doing
        try (CnnModel loaded = CnnModel.builder().setSpec(vgg11).optWeights(file).build();
             CnnModel seeded = CnnModel.builder().setSpec(vgg11).optSeed(3).build()) {
            long held = directBytesAfterGc() - before;
            assertTrue(held < weights / 20, held + " bytes of direct buffers held by a loaded and a seeded model");
            TensorBytes small = Frames.random(2, 3, 32, 32);
            assertArrayEquals(seeded.head(seeded.features(small, 0, vgg11.features().size()))[0],
                    loaded.head(loaded.features(small, 0, vgg11.features().size()))[0]);
        }
    }

    /** Direct buffers in use once unreachable ones are collected (their memory is freed by a cleaner thread). */
    private static long directBytesAfterGc() throws InterruptedException {
        var pool = java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
                .stream().filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(50);
            long now = pool.getMemoryUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }

    @Test
    void paramsFileRoundTripsBitExactly(@TempDir Path dir) {
        try (CnnModel a = CnnModel.builder().setSpec(tiny).optSeed(9).build()) {
            Path file = a.save(dir, "tiny");
            assertTrue(file.toFile().isFile(), file.toString());
            try (CnnModel b = CnnModel.builder().setSpec(tiny).optWeights(file).build()) {
                assertArrayEquals(scores(a), scores(b));
            }
        }
    }

    /** A residual network's blocks hold their nodes' parameters by torchvision's full names, and save and load them. */
    @Test
    void aResNetsParamsRoundTripByTorchvisionsNames(@TempDir Path dir) {
        ModelSpec resnet = dev.halp.partitioner.graph.ResNets.of("narrow", 4, new int[] {1, 1, 1, 1}, true, 10).toModel();
        try (CnnModel a = CnnModel.builder().setSpec(resnet).optSeed(9).build()) {
            Path file = a.save(dir, "narrow");
            try (CnnModel b = CnnModel.builder().setSpec(resnet).optWeights(file).build()) {
                float[] sa = a.head(a.features(frame, 0, resnet.features().size()))[0];
                assertArrayEquals(sa, b.head(b.features(frame, 0, resnet.features().size()))[0]);
            }
        }
        // the stem's names, then each block's nodes under the block's module name, as torchvision has them
        var names = new CnnBlock(resnet).parametersByName().keySet();
        assertTrue(names.containsAll(List.of("conv1.weight", "bn1.running_var", "layer1.0.conv3.weight",
                "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_mean", "fc.bias")), names.toString());
        assertEquals(5 + 4 * 15 + 4 * 5 + 2, names.size(),
                "stem conv and bn (4 tensors); per block 3 convs and 3 bns; 4 downsamples (conv and bn); fc");
    }

    @Test
    void paramsOfAnotherModelAreRejected(@TempDir Path dir) {
        try (CnnModel a = CnnModel.builder().setSpec(tiny).optSeed(9).build()) {
            Path file = a.save(dir, "tiny");
            assertThrows(RuntimeException.class,
                    () -> CnnModel.builder().setSpec(Models.vgg11()).optWeights(file).build().close());
        }
    }

    /** Imported by name into the project's layers, the fixture computes what TorchScript itself computes. */
    @Test
    void torchScriptImportMatchesTheTorchScriptForwardPass() throws Exception {
        Path pt = fixture();
        float[] reference;
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(pt).optEngine("PyTorch").optTranslator(new NoopTranslator()).build();
        try (ZooModel<NDList, NDList> ts = criteria.loadModel();
             Predictor<NDList, NDList> p = ts.newPredictor();
             NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(frame.toFloats(), new Shape(frame.shape()));
            reference = p.predict(new NDList(x)).singletonOrThrow().toFloatArray();
        }
        try (CnnModel imported = CnnModel.builder().setSpec(tiny).optWeights(pt).build();
             CnnModel seeded = CnnModel.builder().setSpec(tiny).optSeed(1).build()) {
            float[] ours = scores(imported);
            assertEquals(10, ours.length);
            assertArrayEquals(reference, ours, 1e-5f);
            assertNotEquals(reference[0], scores(seeded)[0], 1e-3f);
        }
    }

    /**
     * The same weights written from a module whose batch norm holds real buffers (running mean and variance),
     * as safetensors (tools/export_safetensors.py): the forward pass is TorchScript's own.
     */
    @Test
    void safetensorsWithBatchNormBuffersMatchTheTorchScriptForwardPass() throws Exception {
        Path st = Paths.get(CnnModelTest.class.getResource("/tiny-torchvision.safetensors").toURI());
        float[] reference;
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(fixture()).optEngine("PyTorch").optTranslator(new NoopTranslator()).build();
        try (ZooModel<NDList, NDList> ts = criteria.loadModel();
             Predictor<NDList, NDList> p = ts.newPredictor();
             NDManager m = NDManager.newBaseManager()) {
            reference = p.predict(new NDList(m.create(frame.toFloats(), new Shape(frame.shape())))).singletonOrThrow()
                    .toFloatArray();
        }
        try (CnnModel imported = CnnModel.builder().setSpec(tiny).optWeights(st).build()) {
            assertArrayEquals(reference, scores(imported), 1e-5f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CnnModel.builder().setSpec(Models.vgg11()).optWeights(st).build().close());
        assertTrue(e.getMessage().contains("features.0.weight has shape"), e.getMessage());
    }

    @Test
    void torchScriptOfAnotherLayoutIsRejectedNamingTheParameters() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CnnModel.builder().setSpec(Models.vgg11()).optWeights(fixture()).build().close());
        assertTrue(e.getMessage().contains("features.0.weight has shape"), e.getMessage());
    }

    @Test
    void missingWeightsFileIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CnnModel.builder().setSpec(tiny).optWeights(Paths.get("no/such.params")).build().close());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    private static Path fixture() throws URISyntaxException {
        return Paths.get(CnnModelTest.class.getResource("/tiny-torchvision.pt").toURI());
    }
}
