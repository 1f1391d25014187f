package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.Normalization;
import dev.halp.kafka.record.PixelFormat;
import dev.halp.kafka.record.Resize;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.flink.Results;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real model end to end: torchvision-layout weights (TorchScript), a PNG frame, and the logits PyTorch gave for
 * it after torchvision's standard preprocessing ({@code Resize(40), CenterCrop(32), ToTensor, Normalize}),
 * all made by {@code tools/fixtures/make_preprocessing_fixtures.py}. The job, given the same weights and
 * {@code --resize 32x32 --resize-mode center-crop=40 --normalize imagenet}, must give the same logits.
 */
class TorchvisionPreprocessingTest {

    /** The tiny network's TorchScript fixture (operators' test resources; the fixture script reads it too). */
    static final Path WEIGHTS = Path.of("..", "operators", "src", "test", "resources", "tiny-torchvision.pt");
    /** The same weights as safetensors, written from a module with real batch-norm buffers. */
    static final Path SAFETENSORS = Path.of("..", "operators", "src", "test", "resources", "tiny-torchvision.safetensors");
    private static final double TOLERANCE = 1e-5;

    private static float[] torchvisionLogits() throws Exception {
        try (InputStream in = TorchvisionPreprocessingTest.class.getResourceAsStream("/preprocessing/expected.json")) {
            JsonNode logits = Json.read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    JsonNode.class).get("logits");
            float[] out = new float[logits.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) logits.get(i).asDouble();
            }
            return out;
        }
    }

    private static Path frame(Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        try (InputStream in = TorchvisionPreprocessingTest.class.getResourceAsStream("/preprocessing/frame.png")) {
            Files.copy(in, images.resolve("frame.png"));
        }
        return images;
    }

    @Test
    void wholeFrameInferenceOfTheResizedNormalisedFrameGivesTorchvisionsLogits(@TempDir Path dir) throws Exception {
        float[] expected = torchvisionLogits();
        byte[] png = Files.readAllBytes(frame(dir).resolve("frame.png"));
        FrameRecord f = Resize.parse("32x32", "center-crop=40")
                .apply(new FrameRecord("c", 0, 0, 96, 72, 3, PixelFormat.PNG, png));
        long[] shape = {1, 3, 32, 32};
        TensorBytes input = TensorBytes.ofFloats(shape,
                new Normalization("imagenet", false).toFloats(FramePixels.toRgbPlaneBytes(f), shape));
        for (Path weights : java.util.List.of(WEIGHTS, SAFETENSORS)) {
            try (CnnModel model = CnnModel.builder().setSpec(Models.tiny()).optWeights(weights).build()) {
                float[] logits = model.head(model.features(input, 0, Models.tiny().features().size()))[0];
                assertEquals(expected.length, logits.length);
                for (int i = 0; i < logits.length; i++) {
                    assertEquals(expected[i], logits[i], TOLERANCE, weights.getFileName() + ": logit " + i);
                }
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theJobWithResizeAndImagenetNormalisationReproducesTorchvisionsLogits(@TempDir Path dir) throws Exception {
        float[] expected = torchvisionLogits();
        Path results = dir.resolve("results.jsonl");
        VerifyCommandTest.Run r = VerifyCommandTest.halp("run", "--model", "tiny", "--weights", WEIGHTS.toString(),
                "--images", frame(dir).toString(), "--frames", "3", "--fps", "2", "--resize", "32x32",
                "--resize-mode", "center-crop=40", "--normalize", "imagenet", "--results-out", results.toString(),
                "--json");
        assertEquals(0, r.status(), r.err());
        List<Integer> top5 = IntStream.range(0, expected.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> expected[i]).reversed()).limit(5).toList();
        List<ResultRecord> records = Files.readAllLines(results).stream().map(l -> Json.read(l, ResultRecord.class)).toList();
        assertEquals(3, records.size());
        for (ResultRecord rec : records) {
            assertTrue(rec.met(), rec.error);
            assertEquals(List.of(32, 32), List.of(rec.width, rec.height), "results are of the model's input size");
            assertEquals(top5, rec.top5.stream().map(c -> c.index).toList(), "top-5 classes");
            for (ResultRecord.ClassScore c : rec.top5) {
                assertEquals(expected[c.index], c.score, TOLERANCE, "logit " + c.index);
            }
        }
    }
}
