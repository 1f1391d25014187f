package dev.halp.operators.exec;

import dev.halp.operators.Frames;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.HeadLayer;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer on slices of every size, one row to most of the frame, equals the same rows of the layer
 * run on the whole frame, bit for bit. With two threads oneDNN and MKL pick their blocking from the input
 * size on Intel and AMD CPUs alike, so the whole-shape fallback of {@code ExactSlices} is exercised
 * whatever this machine's CPU; with one thread the kernels it picks are checked as they come.
 */
class LayerSliceExactnessTest {

    @AfterEach
    void oneThreadAgain() {
        JniUtils.setNumThreads(1);
    }

    @ParameterizedTest
    @CsvSource({"mobilenet-v1, 1", "mobilenet-v1, 2", "tiny, 1", "tiny, 2"})
    void everyLayerOnSlicesOfEverySizeIsExact(String name, int threads) {
        ModelSpec spec = Models.byName(name);
        int size = name.equals("tiny") ? 64 : 224;
        try (CnnModel m = CnnModel.builder().setSpec(spec).optSeed(7).optThreads(threads).build()) {
            forEverySlice(m, spec, size, (what, slice, whole) -> assertEquals(0f, slice.maxAbsDiff(whole), what));
        }
    }

    /**
     * With the check off, slices run directly: equal to the whole frame up to rounding (the documented bound:
     * 1e-5 of the layer's largest magnitude), which is never more than the last bits of a sum.
     */
    @Test
    void uncheckedSlicesStayWithinRounding() {
        ModelSpec spec = Models.byName("mobilenet-v1");
        try (CnnModel m = CnnModel.builder().setSpec(spec).optSeed(7).optThreads(2).optExactSlices(false).build()) {
            forEverySlice(m, spec, 224, (what, slice, whole) -> {
                float scale = Math.max(1f, whole.maxAbsDiff(zeros(whole)));
                assertTrue(slice.maxAbsDiff(whole) <= 1e-5f * scale, what + ": " + slice.maxAbsDiff(whole));
            });
            assertEquals(0, m.exactSlices().report().probed(), "nothing is probed with the check off");
        }
    }

    private interface SliceCheck {
        void check(String what, TensorBytes slice, TensorBytes whole);
    }

    private static void forEverySlice(CnnModel m, ModelSpec spec, int size, SliceCheck check) {
        int[] h = spec.heights(size);
        TensorBytes x = Frames.random(1, 3, size, size);
        for (int l = 0; l < spec.features().size(); l++) {
            TensorBytes y = m.features(x, l, l + 1);
            int rows = h[l + 1];
            for (int len : new int[] {1, 2, 5, rows / 3 + 1, rows}) {
                for (int a = 0; a + Math.min(len, rows) <= rows; a += Math.max(1, rows / 4)) {
                    int b = Math.min(rows, a + len);
                    List<LayerStep> steps = ReceptiveField.program(spec, h, l, l + 1, RowRange.of(a, b));
                    RowRange in = steps.get(0).inputRows();
                    check.check(spec.features().get(l) + " rows [" + a + "," + b + ")",
                            m.slice(x.rows(in.start(), in.end()), steps), y.rows(a, b));
                }
            }
            x = y;
        }
    }

    private static TensorBytes zeros(TensorBytes like) {
        return new TensorBytes(like.shape(), new byte[like.data().length]);
    }

    /**
     * 5 channels x 64 x 64 = 20480 elements: the whole frame just runs natively, while the full-height
     * slice with its two border rows would go to oneDNN; it must be computed in native-sized tiles.
     */
    @Test
    void sliceLargerThanTheWholeFrameKeepsTheNativeKernel() {
        ModelSpec spec = new ModelSpec("edge", 5, List.of(new Conv2dSpec("features.0", 5, 4, 3, 1, 1, 1, 1, true)),
                List.of(new HeadLayer.Flatten("flatten")));
        int[] h = spec.heights(64);
        try (CnnModel m = CnnModel.builder().setSpec(spec).optSeed(3).optThreads(1).build()) {
            TensorBytes x = Frames.random(2, 5, 64, 64);
            TensorBytes whole = m.features(x, 0, 1);
            for (RowRange out : List.of(RowRange.of(0, 64), RowRange.of(0, 63), RowRange.of(1, 64), RowRange.of(0, 1))) {
                List<LayerStep> steps = ReceptiveField.program(spec, h, 0, 1, out);
                RowRange in = steps.get(0).inputRows();
                TensorBytes s = m.slice(x.rows(in.start(), in.end()), steps);
                assertEquals(0f, s.maxAbsDiff(whole.rows(out.start(), out.end())), "rows " + out);
            }
        }
    }
}
