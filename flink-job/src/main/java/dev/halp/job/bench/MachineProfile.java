package dev.halp.job.bench;

import dev.halp.job.cli.Halp;
import dev.halp.job.cli.Profiles;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * This machine as the planner sees it, with one PyTorch thread: the per-layer table of {@code halp profile}
 * and the time of the head (the classifier the host runs after the merge, which the planner does not model).
 */
record MachineProfile(DeviceProfile device, double headMs) {

    static MachineProfile measure(String model, int height, int width, Path dir, PrintWriter out) {
        Path file = dir.resolve("profile-" + model + "-" + height + "x" + width + ".json");
        StringWriter log = new StringWriter();
        int rc = Halp.execute(new PrintWriter(log, true), new PrintWriter(log, true), "profile", "--model", model,
                "--height", Integer.toString(height), "--width", Integer.toString(width), "--threads", "1",
                "--points", "6", "--repeats", "3", "--out", file.toString());
        if (rc != 0) {
            throw new IllegalStateException("profiling failed: " + log);
        }
        String[] lines = log.toString().strip().split("\n");
        out.println("profile: " + lines[lines.length - 1]);
        double head = headMs(Models.byName(model), height, width);
        out.printf("head (classifier on the host after the merge): %.1f ms%n", head);
        return new MachineProfile(Profiles.byNameOrFile(file.toString()), head);
    }

    private static double headMs(ModelSpec spec, int height, int width) {
        try (CnnModel cnn = CnnModel.builder().setSpec(spec).optSeed(7).optThreads(1).build()) {
            float[] pixels = new float[3 * height * width];
            Arrays.fill(pixels, 0.5f);
            TensorBytes features = cnn.features(TensorBytes.ofFloats(new long[] {1, 3, height, width}, pixels), 0,
                    spec.features().size());
            double[] ms = new double[7];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                cnn.head(features);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms, 1, ms.length);
            return ms[1 + (ms.length - 1) / 2];
        }
    }
}
