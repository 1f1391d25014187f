package dev.halp.job.bench;

import dev.halp.job.cli.Charts;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;

/** The speedup bench's numbers: per round and median, measured next to predicted, as text, JSON and a plot. */
final class SpeedupReport {

    private SpeedupReport() {
    }

    static String roundLine(Map<String, SchemeRun.Outcome> outcomes) {
        StringBuilder b = new StringBuilder();
        outcomes.forEach((k, o) -> b.append(String.format("%s p50 %.0f ms, ", k, o.p50())));
        b.append(String.format("speedup %.2fx", outcomes.get("local").p50() / outcomes.get("halp").p50()));
        if (outcomes.containsKey("equal")) {
            b.append(String.format(", planner over equal split %.2fx", outcomes.get("equal").p50() / outcomes.get("halp").p50()));
        }
        return b.toString();
    }

    static Map<String, Object> summary(SpeedupBench.Settings s, int mbps, HopBench.Result hop,
                                       Map<String, SpeedupBench.Prediction> predicted,
                                       List<Map<String, SchemeRun.Outcome>> rounds,
                                       List<Map<String, Double>> atRoundSpeeds, PrintWriter out) {
        double[] speedups = rounds.stream().mapToDouble(r -> r.get("local").p50() / r.get("halp").p50()).toArray();
        double measured = SpeedupBench.median(speedups);
        double prediction = predicted.get("local").ms() / predicted.get("halp").ms();
        double spread = DoubleStream.of(speedups).map(v -> Math.abs(v / measured - 1)).max().orElse(0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", s.model());
        r.put("frame", s.height() + "x" + s.width());
        r.put("secondaries", s.secondaries());
        r.put("cpu_quota", s.cpuQuota());
        r.put("bandwidth_mbps", mbps);
        r.put("batch_size", s.batch());
        r.put("netns", s.netns());
        r.put("measured_speedup", round(measured));
        r.put("predicted_speedup", round(prediction));
        r.put("measured_over_predicted", round(measured / prediction));
        r.put("rounds_max_deviation_from_median", round(spread));
        // the simulator's model alone: each round's measured speedup over its plans simulated at that round's speeds
        double[] model = new double[rounds.size()];
        for (int i = 0; i < rounds.size(); i++) {
            double simulated = atRoundSpeeds.get(i).get("local") / atRoundSpeeds.get(i).get("halp");
            model[i] = rounds.get(i).get("local").p50() / rounds.get(i).get("halp").p50() / simulated;
        }
        r.put("measured_over_simulated_at_round_speeds", round(SpeedupBench.median(model)));
        if (s.batch() > 1) {
            r.put("throughput_speedup", round(measured));
            r.put("halp_frames_per_s", round(1000.0 * s.batch() / median(rounds, "halp")));
            r.put("local_frames_per_s", round(1000.0 * s.batch() / median(rounds, "local")));
        }
        if (predicted.containsKey("equal")) {
            r.put("planner_over_equal", round(SpeedupBench.median(rounds.stream()
                    .mapToDouble(x -> x.get("equal").p50() / x.get("halp").p50()).toArray())));
            r.put("predicted_planner_over_equal", round(predicted.get("equal").ms() / predicted.get("halp").ms()));
        }
        for (String scheme : predicted.keySet()) {
            r.put(scheme + "_p50_ms", round(median(rounds, scheme)));
            double[] all = rounds.stream().flatMapToDouble(x -> DoubleStream.of(x.get(scheme).burstMs())).toArray();
            r.put(scheme + "_p99_ms", round(SpeedupBench.percentile(all, 99)));
            r.put(scheme + "_predicted_ms", round(predicted.get(scheme).ms()));
        }
        List<Map<String, Object>> perRound = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            Map<String, SchemeRun.Outcome> x = rounds.get(i);
            Map<String, Object> o = new LinkedHashMap<>();
            x.forEach((k, v) -> o.put(k + "_p50_ms", round(v.p50())));
            o.put("speedup", round(x.get("local").p50() / x.get("halp").p50()));
            Map<String, Double> simulated = atRoundSpeeds.get(i);
            simulated.forEach((k, v) -> o.put(k + "_simulated_at_round_speeds_ms", round(v)));
            o.put("simulated_speedup_at_round_speeds", round(simulated.get("local") / simulated.get("halp")));
            x.forEach((k, v) -> {
                o.put(k + "_cpu_ms_per_frame", rounded(v.cpuMsPerFrame()));
                o.put(k + "_kernel_cpu_ms_per_frame", rounded(v.kernelMsPerFrame()));
                o.put(k + "_page_faults_per_frame", rounded(v.pageFaultsPerFrame()));
                o.put(k + "_machine_steal_ms_per_frame", round(v.stealMsPerFrame()));
            });
            perRound.add(o);
        }
        r.put("rounds", perRound);
        r.put("hop", hop.json());
        out.printf("%d Mbit/s: local p50 %.0f ms (predicted %.0f), halp p50 %.0f ms (predicted %.0f): measured speedup "
                        + "%.2fx, predicted %.2fx, measured/predicted %.3f; rounds within %.1f%% of their median%n", mbps,
                median(rounds, "local"), predicted.get("local").ms(), median(rounds, "halp"), predicted.get("halp").ms(),
                measured, prediction, measured / prediction, 100 * spread);
        out.printf("the plans simulated at each round's own speeds: measured/simulated %.3f (median of rounds)%n",
                SpeedupBench.median(model));
        if (r.containsKey("planner_over_equal")) {
            out.printf("planner's plan over the equal split: %.2fx (predicted %.2fx)%n", r.get("planner_over_equal"),
                    r.get("predicted_planner_over_equal"));
        }
        return r;
    }

    /** Measured and predicted speedup against bandwidth. */
    static void plot(List<Map<String, Object>> perBandwidth, Path png) throws IOException {
        Charts c = new Charts("HALP speedup over the host alone", "link Mbit/s", "speedup", true);
        for (Map<String, Object> b : perBandwidth) {
            double x = ((Number) b.get("bandwidth_mbps")).doubleValue();
            c.add("measured", x, ((Number) b.get("measured_speedup")).doubleValue());
            c.add("predicted", x, ((Number) b.get("predicted_speedup")).doubleValue());
        }
        c.save(png);
    }

    private static double median(List<Map<String, SchemeRun.Outcome>> rounds, String scheme) {
        return SpeedupBench.median(rounds.stream().mapToDouble(x -> x.get(scheme).p50()).toArray());
    }

    static Map<String, Double> rounded(Map<String, Double> ms) {
        Map<String, Double> out = new LinkedHashMap<>();
        ms.forEach((k, v) -> out.put(k, round(v)));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
