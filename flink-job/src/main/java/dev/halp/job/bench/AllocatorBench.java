package dev.halp.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.job.cluster.CpuRuntime;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The CPU runtime's allocators side by side ({@code bin/halp bench allocator}): one JVM per allocator
 * ({@link CpuRuntime}'s choices), one after the other, each running rounds of a whole frame followed by slices of
 * random heights through the first layers (the many tensor sizes a split run allocates), and reporting each
 * round's times and resident memory. A choice that is faster but grows round after round would end with the
 * kernel stopping a TaskManager; one that returns memory to the kernel pays page faults on every layer.
 */
public final class AllocatorBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Slices per round: heights 60..309 rows, through the first 2..13 layers (seeded, the same for every choice). */
    static final int SLICES = 3;

    private final String model;
    private final int height;
    private final int width;
    private final int batch;
    private final int rounds;
    private final List<String> choices;
    private final PrintWriter out;

    public AllocatorBench(String model, int height, int width, int batch, int rounds, List<String> choices, PrintWriter out) {
        this.model = model;
        this.height = height;
        this.width = width;
        this.batch = batch;
        this.rounds = rounds;
        this.choices = choices;
        this.out = out;
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        Double reference = null;
        for (String choice : choices) {
            Map<String, String> env = CpuRuntime.environment(choice);
            if (!choice.equals(env.get("HALP_MALLOC"))) {
                out.printf("%s: not installed here (%s would be used), skipped%n", choice, env.get("HALP_MALLOC"));
                continue;
            }
            List<JsonNode> lines = child(env);
            double[] whole = lines.stream().mapToDouble(l -> l.path("whole_ms").asDouble()).toArray();
            double[] slices = lines.stream().mapToDouble(l -> l.path("slices_ms").asDouble()).toArray();
            double firstRss = lines.get(0).path("rss_mb").asDouble();
            double lastRss = lines.get(lines.size() - 1).path("rss_mb").asDouble();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("whole_ms_p50", SpeedupBench.median(whole));
            r.put("slices_ms_p50", SpeedupBench.median(slices));
            r.put("rss_mb_built", lines.get(0).path("built_rss_mb").asDouble());
            r.put("rss_mb_round_1", firstRss);
            r.put("rss_mb_last_round", lastRss);
            r.put("rss_mb_growth_after_round_1", lastRss - firstRss);
            r.put("rss_mb_by_round", lines.stream().map(l -> l.path("rss_mb").asDouble()).toList());
            if (reference == null) {
                reference = SpeedupBench.median(whole);
            }
            r.put("whole_time_vs_first", Math.round(SpeedupBench.median(whole) / reference * 1000) / 1000.0);
            out.printf("%-8s whole frame p50 %.0f ms, slices p50 %.0f ms, resident %.0f MB after round 1, %.0f MB after "
                            + "round %d (%+.0f MB)%n", choice, r.get("whole_ms_p50"), r.get("slices_ms_p50"), firstRss,
                    lastRss, rounds, lastRss - firstRss);
            results.put(choice, r);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model);
        o.put("height", height);
        o.put("width", width);
        o.put("batch_size", batch);
        o.put("rounds", rounds);
        o.put("allocators", results);
        return o;
    }

    private List<JsonNode> child(Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-D") || a.startsWith("--add-") || a.startsWith("-Xmx")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), model,
                Integer.toString(height), Integer.toString(width), Integer.toString(batch), Integer.toString(rounds)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        // the child gets only the chosen allocator's variables, none this JVM was started with
        CpuRuntime.VARIABLES.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Process p = pb.start();
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    lines.add(JSON.readTree(line));
                    out.printf("  %s round %d: %s%n", env.get("HALP_MALLOC"), lines.size(), line);
                }
            }
        }
        if (p.waitFor() != 0 || lines.size() != rounds) {
            throw new IllegalStateException("the " + env.get("HALP_MALLOC") + " run ended with exit code " + p.exitValue()
                    + " after " + lines.size() + " of " + rounds + " rounds");
        }
        return lines;
    }

    /** One allocator's run: prints one JSON line per round. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            ModelSpec spec = Models.byName(args[0]);
            int height = Integer.parseInt(args[1]);
            int width = Integer.parseInt(args[2]);
            int batch = Integer.parseInt(args[3]);
            int rounds = Integer.parseInt(args[4]);
            Random random = new Random(1);
            int layers = spec.features().size();
            try (CnnModel m = CnnModel.builder().setSpec(spec).optSeed(7).optThreads(1).build()) {
                double built = rssMb();
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    m.features(TensorBytes.ofFloats(new long[] {batch, 3, height, width},
                            new float[batch * 3 * height * width]), 0, layers);
                    long t1 = System.nanoTime();
                    for (int k = 0; k < SLICES; k++) {
                        int rows = Math.min(height, 60 + random.nextInt(250));
                        m.features(TensorBytes.ofFloats(new long[] {batch, 3, rows, width},
                                new float[batch * 3 * rows * width]), 0, Math.min(layers, 2 + random.nextInt(12)));
                    }
                    long t2 = System.nanoTime();
                    System.out.printf(java.util.Locale.ROOT,
                            "{\"round\":%d,\"whole_ms\":%.1f,\"slices_ms\":%.1f,\"rss_mb\":%.0f,\"built_rss_mb\":%.0f}%n",
                            i + 1, (t1 - t0) / 1e6, (t2 - t1) / 1e6, rssMb(), built);
                }
            }
        }

        private static double rssMb() throws java.io.IOException {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
            return Double.NaN;
        }
    }
}
