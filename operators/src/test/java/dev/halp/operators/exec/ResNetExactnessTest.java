package dev.halp.operators.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.graph.ResNets;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Residual networks against torchvision itself: small ResNets made of torchvision's own blocks, with random
 * batch-norm statistics, saved as TorchScript and exported to safetensors by {@code tools/export_safetensors.py}
 * ({@code tools/fixtures/make_resnet_fixture.py}). Imported by name, the whole frame gives torchvision's logits,
 * and every scheme's split of the frame gives the whole frame's features exactly.
 */
class ResNetExactnessTest {

    private static final FlopProfile SLOW = new FlopProfile("slow", 500, 50, 0.05, 4);

    @ParameterizedTest
    @ValueSource(strings = {"basic", "bottleneck"})
    void torchvisionsLogitsAndExactSplits(String name) throws Exception {
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/resnet/" + name + ".json")) {
            expected = new ObjectMapper().readTree(in);
        }
        int[] blocks = StreamSupport.stream(expected.get("blocks").spliterator(), false).mapToInt(JsonNode::asInt).toArray();
        ModelSpec spec = ResNets.of("narrow-" + name, expected.get("base").asInt(), blocks,
                expected.get("bottleneck").asBoolean(), expected.get("classes").asInt()).toModel();
        int height = expected.get("height").asInt();
        int width = expected.get("width").asInt();
        TensorBytes frame = input(height, width);
        try (CnnModel model = CnnModel.builder().setSpec(spec).optWeights(resource("/resnet/" + name + ".safetensors"))
                .optThreads(1).build()) {
            TensorBytes whole = model.features(frame, 0, spec.features().size());
            float[] logits = model.head(whole)[0];
            assertEquals(expected.get("logits").size(), logits.length);
            for (int i = 0; i < logits.length; i++) {
                assertEquals(expected.get("logits").get(i).asDouble(), logits[i], 1e-5, "logit " + i);
            }
            Cluster cluster = Cluster.uniform(SLOW, SLOW, 3, new Link(10000, 0.1));
            for (String scheme : Schemes.names()) {
                SegmentPlan plan = Schemes.byName(scheme).plan(Workload.single(spec, height, width), cluster).plan();
                SegmentedInference.Result result = new SegmentedInference(model).run(plan, frame);
                assertEquals(0f, whole.maxAbsDiff(result.features()), scheme + ": " + plan);
            }
        }
    }

    /** {@code ((7c + 13h + 29w) mod 31) / 31 - 0.5}, as the fixture script computes it. */
    private static TensorBytes input(int height, int width) {
        float[] v = new float[3 * height * width];
        int i = 0;
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < height; h++) {
                for (int w = 0; w < width; w++) {
                    v[i++] = (float) ((7 * c + 13 * h + 29 * w) % 31) / 31f - 0.5f;
                }
            }
        }
        return TensorBytes.ofFloats(new long[] {1, 3, height, width}, v);
    }

    private Path resource(String name) throws URISyntaxException {
        return Path.of(getClass().getResource(name).toURI());
    }
}
