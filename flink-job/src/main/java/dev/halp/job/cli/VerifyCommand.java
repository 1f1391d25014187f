package dev.halp.job.cli;

import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.cnn.SliceStats;
import dev.halp.operators.exec.SegmentedInference;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.ProportionalSplit;
import dev.halp.partitioner.plan.SegmentPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Whole-frame inference against HALP segmented inference of the same frame: every secondary segment and
 * every host zone runs separately, exchanging only the rows the plan names. Exit status 1 when the largest
 * difference exceeds the tolerance.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that HALP segmented inference equals whole-frame inference.")
final class VerifyCommand extends FrameCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;


    @Option(names = "--segments", defaultValue = "3", description = "secondary edge servers (default: ${DEFAULT-VALUE})")
    int segments;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the weights and the frame (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--weights", description = "DJL .params file or torchvision-layout TorchScript file (default: seeded weights)")
    Path weights;

    @Option(names = "--blocks", defaultValue = "stage", description = "fused blocks: stage (one per resolution), layer or whole (default: ${DEFAULT-VALUE})")
    String blocks;

    @Option(names = "--tolerance", defaultValue = "0", description = "largest accepted |difference| (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed runs of each path first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", defaultValue = "1",
            description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--exact-slices", defaultValue = "true", arity = "1",
            description = "probe each slice shape against the whole-frame layer and run the ones that differ on this "
                    + "machine in the whole-frame shape; false runs every slice directly (default: ${DEFAULT-VALUE})")
    boolean exactSlices;

    @picocli.CommandLine.Mixin
    JsonSummary json;

    @Option(names = "--plan", description = "execute this saved plan (plan --out FILE) instead of an equal split; "
            + "it sets the model, frame size and secondaries")
    Path planFile;

    @Override
    public Integer call() throws Exception {
        SegmentPlan saved = savedPlan();
        ModelSpec spec = validatedModel(this.spec);
        Options.existingFile(this.spec, "--weights", weights);
        if (segments < 1) {
            throw Options.bad(this.spec, "--segments", "must be at least 1, got " + segments);
        }
        if (segments > height) {
            throw Options.bad(this.spec, "--segments", segments + " segments for a " + height + "-row frame");
        }
        if (threads < 1) {
            throw Options.bad(this.spec, "--threads", "must be at least 1, got " + threads);
        }
        if (tolerance < 0 || warmup < 0) {
            throw Options.bad(this.spec, tolerance < 0 ? "--tolerance" : "--warmup", "must not be negative");
        }
        List<FusedBlock> fused = switch (blocks) {
            case "stage" -> FusedBlocks.perStage(spec);
            case "layer" -> FusedBlocks.perLayer(spec);
            case "whole" -> FusedBlocks.whole(spec);
            default -> throw Options.bad(this.spec, "--blocks", "unknown '" + blocks + "' (stage, layer, whole)");
        };
        SegmentPlan plan = saved != null ? saved : ProportionalSplit.equal(spec, height, width, fused, segments);
        PrintWriter out = json.progress();
        out.printf("verify %s %dx%d, %d segments, %d blocks, seed %d, %d thread(s)%n", spec.name(), height, width,
                segments, plan.blocks().size(), seed, threads);
        try (CnnModel cnn = CnnModel.builder().setSpec(spec).optSeed(seed).optWeights(weights)
                .optThreads(threads).optExactSlices(exactSlices).build()) {
            TensorBytes frame = frame(spec.inChannels());
            SegmentedInference segmented = new SegmentedInference(cnn);
            for (int i = 0; i < warmup; i++) {
                cnn.head(cnn.features(frame, 0, spec.features().size()));
                segmented.run(plan, frame);
            }
            SliceStats.Report beforeTimed = cnn.exactSlices().report();
            long t0 = System.nanoTime();
            TensorBytes whole = cnn.features(frame, 0, spec.features().size());
            float[] wholeScores = cnn.head(whole)[0];
            double wholeMs = (System.nanoTime() - t0) / 1e6;
            SegmentedInference.Result r = segmented.run(plan, frame);
            SliceStats.Report slices = cnn.exactSlices().report();
            List<SliceStats.LayerCost> fallbacks = slices.since(beforeTimed);

            VerifyReport report = new VerifyReport(plan, r);
            report.print(out);
            float featureDiff = whole.maxAbsDiff(r.features());
            float scoreDiff = maxAbsDiff(wholeScores, r.scores()[0]);
            double maxDiff = Math.max(featureDiff, scoreDiff);
            boolean passed = maxDiff <= tolerance;
            out.printf("whole frame %.1f ms, segmented %.1f ms (all pieces one after another in this process)%n",
                    wholeMs, r.millis());
            out.printf("exact slices %s: %d slice shapes probed, %d run in the whole-frame shape%s%n",
                    exactSlices ? "on" : "off", slices.probed(), slices.fallbackGeometries(),
                    fallbacks.isEmpty() ? "" : " " + fallbacks);
            out.printf("max |diff|: features %s, scores %s -> %s (tolerance %s)%n", featureDiff, scoreDiff,
                    passed ? "EXACT" + (maxDiff == 0 ? "" : " within tolerance") : "FAILED", tolerance);
            if (json.enabled()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("model", spec.name());
                o.put("height", height);
                o.put("width", width);
                o.put("segments", segments);
                o.put("blocks", plan.blocks().size());
                o.put("max_abs_diff", maxDiff);
                o.put("features_max_abs_diff", (double) featureDiff);
                o.put("scores_max_abs_diff", (double) scoreDiff);
                o.put("whole_ms", round(wholeMs));
                o.put("segmented_ms", round(r.millis()));
                o.put("threads", threads);
                o.put("bytes_moved", r.bytesMoved());
                o.put("exact_slices", exactSlices);
                o.put("slice_shapes_probed", slices.probed());
                o.put("slice_shapes_whole_frame_shape", slices.fallbackGeometries());
                o.put("slice_probe_ms", round(slices.probeMillis()));
                o.put("fallback_ms", round(fallbacks.stream().mapToDouble(SliceStats.LayerCost::millis).sum()));
                o.put("fallback_layers", fallbacks.stream().map(VerifyCommand::fallbackJson).toList());
                o.putAll(report.haloSummary());
                o.put("passed", passed);
                json.print(o);
            }
            return passed ? 0 : 1;
        }
    }

    /** The plan of {@code --plan}, which then decides the model, frame size and secondaries; null without it. */
    private SegmentPlan savedPlan() {
        if (planFile == null) {
            return null;
        }
        Options.existingFile(this.spec, "--plan", planFile);
        try {
            SegmentPlan p = PlanJson.read(planFile);
            model = p.model().name();
            height = p.height();
            width = p.width();
            segments = Math.max(1, p.secondaries());
            return p;
        } catch (java.io.IOException | RuntimeException e) {
            throw Options.bad(this.spec, "--plan", "cannot read " + planFile + ": " + e.getMessage());
        }
    }

    private TensorBytes frame(int channels) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        float[] v = new float[channels * height * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return TensorBytes.ofFloats(new long[] {1, channels, height, width}, v);
    }

    private static Map<String, Object> fallbackJson(SliceStats.LayerCost c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("layer", c.layer());
        o.put("shapes", c.geometries());
        o.put("runs", c.runs());
        o.put("ms", round(c.millis()));
        return o;
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
