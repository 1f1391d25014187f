package dev.halp.operators.exec;

import dev.halp.operators.Frames;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.ProportionalSplit;
import dev.halp.partitioner.plan.SegmentPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Segmented inference through the real DJL engine equals whole-frame inference bit for bit (fp32, CPU). */
class SegmentedInferenceTest {

    @ParameterizedTest(name = "tiny {0}x{1}, {2} secondaries, {3} blocks")
    @CsvSource({"37,29,1,stage", "64,48,2,stage", "61,40,3,layer", "100,33,4,stage", "45,45,8,layer", "50,50,3,whole"})
    void tinyNetIsExact(int height, int width, int secondaries, String blocks) {
        ModelSpec spec = Models.tiny();
        try (CnnModel model = CnnModel.builder().setSpec(spec).optSeed(3).build()) {
            var fused = switch (blocks) {
                case "layer" -> FusedBlocks.perLayer(spec);
                case "whole" -> FusedBlocks.whole(spec);
                default -> FusedBlocks.perStage(spec);
            };
            SegmentPlan plan = ProportionalSplit.equal(spec, height, width, fused, secondaries);
            TensorBytes frame = Frames.random(11, 3, height, width);
            TensorBytes whole = model.features(frame, 0, spec.features().size());
            SegmentedInference.Result r = new SegmentedInference(model).run(plan, frame);
            assertEquals(whole, r.features(), "max diff " + whole.maxAbsDiff(r.features()));
            assertArrayEquals(model.head(whole)[0], r.scores()[0]);
            assertTrue(r.pieces().size() >= fused.size());
        }
    }

    @Test
    void vgg16At224WithThreeSegmentsIsExact() {
        ModelSpec spec = Models.vgg16();
        try (CnnModel model = CnnModel.builder().setSpec(spec).optSeed(7).build()) {
            SegmentPlan plan = ProportionalSplit.equal(spec, 224, 224, FusedBlocks.perStage(spec), 3);
            TensorBytes frame = Frames.random(1, 3, 224, 224);
            TensorBytes whole = model.features(frame, 0, spec.features().size());
            SegmentedInference.Result r = new SegmentedInference(model).run(plan, frame);
            assertEquals(0f, whole.maxAbsDiff(r.features()));
            float[] scores = model.head(whole)[0];
            assertArrayEquals(scores, r.scores()[0]);
            assertEquals(1000, scores.length);
        }
    }
}
