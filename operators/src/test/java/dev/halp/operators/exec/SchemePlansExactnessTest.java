package dev.halp.operators.exec;

import dev.halp.operators.Frames;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The plans of Local, MoDNN (gathered and scattered through the host) and HALP (cost-optimised blocks,
 * host band and zones), run by the segmented executor, equal whole-frame inference exactly.
 */
class SchemePlansExactnessTest {

    /** A slow device on a fast link, so HALP really splits the frame across every secondary it has. */
    private static final FlopProfile SLOW = new FlopProfile("slow", 500, 50, 0.05, 4);

    @ParameterizedTest(name = "{0} {1}x{2}, {3} secondaries, {4} Mbps")
    @CsvSource({"tiny,64,48,2,10000", "tiny,61,40,3,10000", "vgg16,224,224,2,10000", "vgg16,224,224,3,3000", "resnet18,224,224,3,10000",
            "resnet50,97,130,2,3000"})
    void everySchemesPlanIsExact(String name, int height, int width, int secondaries, double mbps) {
        ModelSpec spec = Models.byName(name);
        Cluster cluster = Cluster.uniform(SLOW, SLOW, secondaries, new Link(mbps, 0.1));
        TensorBytes frame = Frames.random(5, 3, height, width);
        try (CnnModel model = CnnModel.builder().setSpec(spec).optSeed(3).optThreads(1).build()) {
            TensorBytes whole = model.features(frame, 0, spec.features().size());
            for (String scheme : Schemes.names()) {
                SegmentPlan plan = Schemes.byName(scheme).plan(Workload.single(spec, height, width), cluster).plan();
                SegmentedInference.Result result = new SegmentedInference(model).run(plan, frame);
                assertEquals(0f, whole.maxAbsDiff(result.features()), scheme + ": " + plan);
            }
        }
    }
}
