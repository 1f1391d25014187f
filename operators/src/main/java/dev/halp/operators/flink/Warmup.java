package dev.halp.operators.flink;

import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.LayerStep;

import java.util.List;

/** Zero inputs of the exact shapes a plan will run, so that {@code open()} pays the engine's first-call costs. */
final class Warmup {

    private Warmup() {
    }

    static TensorBytes zeros(SegmentPlan plan, List<LayerStep> steps) {
        int channels = plan.model().channels()[steps.get(0).layer()];
        int width = plan.model().widths(plan.width())[steps.get(0).layer()];
        int rows = steps.get(0).inputRows().size();
        return TensorBytes.ofFloats(new long[] {1, channels, rows, width}, new float[channels * rows * width]);
    }

    static TensorBytes finalFeatures(SegmentPlan plan) {
        int layers = plan.model().features().size();
        int channels = plan.model().channels()[layers];
        int width = plan.model().widths(plan.width())[layers];
        int rows = plan.outputHeight(plan.blocks().size() - 1);
        return TensorBytes.ofFloats(new long[] {1, channels, rows, width}, new float[channels * rows * width]);
    }
}
