package dev.halp.job.cli;

import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.cost.MeasuredLayer;
import dev.halp.partitioner.cost.MeasuredProfile;
import dev.halp.partitioner.layer.BatchNormSpec;
import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.model.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Measures this machine's DJL (PyTorch CPU) profile in the {@code shared/profiles} format: every feature
 * layer run on the first {@code R} rows of its whole-frame input, for {@code --points} values of {@code R},
 * median of {@code --repeats} runs after one warm-up run.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Measure per-layer CPU times by rows (DJL) and write a device profile.")
final class ProfileCommand extends FrameCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;


    @Option(names = "--threads", defaultValue = "1", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--points", defaultValue = "8", description = "row counts measured per layer (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--repeats", defaultValue = "3", description = "timed runs per point, median kept (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--out", required = true, description = "profile file to write")
    Path out;

    @picocli.CommandLine.Mixin
    JsonSummary json;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = validatedModel(this.spec);
        if (threads < 1 || points < 1 || repeats < 1) {
            String option = threads < 1 ? "--threads" : points < 1 ? "--points" : "--repeats";
            throw Options.bad(this.spec, option, "must be at least 1");
        }
        PrintWriter o = json.progress();
        int[] h = spec.heights(height);
        int[] w = spec.widths(width);
        int[] c = spec.channels();
        List<MeasuredLayer> layers = new ArrayList<>();
        double wholeMs;
        double headMs;
        try (CnnModel cnn = CnnModel.builder().setSpec(spec).optSeed(7).optThreads(threads).build()) {
            TensorBytes frame = random(c[0], h[0], w[0]);
            wholeMs = cnn.timeFeatures(frame, 0, spec.features().size(), repeats);
            // the head as the merge runs it: the stitched features in, the scores out
            TensorBytes features = cnn.features(frame, 0, spec.features().size());
            double[] head = new double[repeats + 1];
            for (int i = 0; i < head.length; i++) {
                long t0 = System.nanoTime();
                cnn.head(features);
                head[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(head, 1, head.length);
            headMs = head[1 + repeats / 2];
            for (int l = 0; l < spec.features().size(); l++) {
                Map<Integer, Double> ms = new TreeMap<>();
                for (int rows : rowPoints(h[l], spec.features().get(l))) {
                    TensorBytes input = random(c[l], rows, w[l]);
                    ms.put(rows, cnn.timeFeatures(input, l, l + 1, repeats));
                }
                layers.add(new MeasuredLayer(l, type(spec.features().get(l)), new long[] {1, c[l], h[l], w[l]}, ms));
                o.printf("layer %2d %-10s %4d rows: %s%n", l, type(spec.features().get(l)), h[l], ms);
            }
        }
        String key = height + "x" + width + "_b1_fp32";
        MeasuredProfile profile = new MeasuredProfile("cpu", "CPU (" + Runtime.getRuntime().availableProcessors()
                + " logical cores), " + threads + " intra-op thread(s)", "DJL 0.36 / PyTorch 2.7.1 CPU",
                spec.name() + " feature stack (seeded weights) on this machine's CPU with DJL. tables: key "
                        + "HxW_bBATCH_DTYPE -> list of layers of the features stack, each with its input shape and "
                        + "the median wall-clock milliseconds to run that layer on the first R input rows "
                        + "(ms_by_rows: R -> ms). full_frame_ms: whole feature stack per configuration.",
                "fp32", 1.0, Map.of(key, layers));
        ProfileCodec.write(profile, Map.of(key, wholeMs), Map.of(key, headMs), out);
        double deviation = worstLineDeviation(layers);
        o.printf("every convolution within %.1f%% of a straight line in rows%n", 100 * deviation);
        o.printf("whole feature stack %.1f ms, head %.1f ms; profile written to %s%n", wholeMs, headMs, out);
        json.print(Map.of("model", spec.name(), "height", height, "width", width, "threads", threads,
                "whole_ms", PlanJson.round(wholeMs), "head_ms", PlanJson.round(headMs), "layers", layers.size(),
                "worst_line_deviation", PlanJson.round(deviation), "out", out.toString()));
        return 0;
    }

    /** {@code points} row counts spread over the layer's input, each large enough to yield an output row. */
    private int[] rowPoints(int rows, LayerSpec layer) {
        int min = Math.max(1, layer.dilation() * (layer.kernel() - 1) + 1 - 2 * layer.padding());
        return java.util.stream.IntStream.rangeClosed(1, points)
                .map(i -> Math.max(min, (int) Math.round((double) rows * i / points))).distinct().toArray();
    }

    /** The largest relative distance of a convolution's measured time from its least-squares line in rows. */
    static double worstLineDeviation(List<MeasuredLayer> layers) {
        double worst = 0;
        for (MeasuredLayer l : layers) {
            if (!l.type().equals("Conv2d") || l.msByRows().size() < 2) {
                continue;
            }
            double n = l.msByRows().size();
            double mx = l.msByRows().keySet().stream().mapToDouble(Integer::doubleValue).sum() / n;
            double my = l.msByRows().values().stream().mapToDouble(Double::doubleValue).sum() / n;
            double sxy = 0;
            double sxx = 0;
            for (Map.Entry<Integer, Double> p : l.msByRows().entrySet()) {
                sxy += (p.getKey() - mx) * (p.getValue() - my);
                sxx += (p.getKey() - mx) * (p.getKey() - mx);
            }
            double b = sxy / sxx;
            for (Map.Entry<Integer, Double> p : l.msByRows().entrySet()) {
                worst = Math.max(worst, Math.abs(p.getValue() / (my + b * (p.getKey() - mx)) - 1));
            }
        }
        return worst;
    }

    private static String type(LayerSpec layer) {
        if (layer instanceof Conv2dSpec) {
            return "Conv2d";
        }
        if (layer instanceof PoolSpec p) {
            return p.kind() == PoolSpec.Kind.MAX ? "MaxPool2d" : "AvgPool2d";
        }
        if (layer instanceof GraphBlockSpec) {
            return "Block";
        }
        return layer instanceof BatchNormSpec ? "BatchNorm2d" : "ReLU";
    }

    private static TensorBytes random(int channels, int rows, int width) {
        SplittableRandom r = new SplittableRandom(rows * 31L + channels);
        float[] v = new float[channels * rows * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return TensorBytes.ofFloats(new long[] {1, channels, rows, width}, v);
    }
}
