package dev.halp.job.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.job.cli.PlanJson;
import dev.halp.job.cluster.ClusterSpec;
import dev.halp.job.cluster.ClusterState;
import dev.halp.job.cluster.CpuQuotas;
import dev.halp.job.cluster.FlinkRest;
import dev.halp.job.cluster.LocalCluster;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.MeasuredProfile;
import dev.halp.partitioner.cost.Network;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.ProportionalSplit;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.scheme.HalpScheme;
import dev.halp.partitioner.scheme.LocalScheme;
import dev.halp.partitioner.scheme.SchemePlan;
import dev.halp.partitioner.scheme.Workload;
import dev.halp.partitioner.sim.PlanSimulator;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HALP against the host alone on a real cluster of edge servers of known sizes: a host and N secondary
 * TaskManagers, each in a CPU group with its quota, behind shaped links in network namespaces. The planner
 * gets what it would get in the field, all measured before the runs: each server's profile under its quota
 * ({@link QuotaProfile}) and the cost of one exchange through Flink ({@link HopBench}). Local and HALP (and,
 * for unequal servers, an equal split) then run alternately in rounds; every round gives each scheme's p50 and
 * the measured speedup, next to the planner's prediction. Several bandwidths give one such run each.
 */
public final class SpeedupBench {

    private final Settings s;
    /** Cores per participant, as results name them. */
    private final Map<String, Double> roles;
    private final PrintWriter out;

    /**
     * What to run. {@code cpuQuota}: cores per TaskManager ("host", "es0", ...), as {@code --cpu-quota} names them;
     * {@code batch}: frames
     * sent together and computed as one tensor.
     */
    public record Settings(String model, int height, int width, int secondaries, Map<String, Double> cpuQuota,
                           List<Integer> bandwidthsMbps, int rounds, int bursts, int warmupBursts, int batch,
                           boolean netns, Path dir, Path jobJar, String classpath, List<String> jobOptions) {

        /** The same quotas by participant, as results name them: TaskManager es{@code i} plays secondary {@code i}. */
        public Map<String, Double> roleQuota() {
            Map<String, Double> roles = new LinkedHashMap<>();
            cpuQuota.forEach((tm, q) -> roles.put(tm.equals("host") ? "host" : "secondary_" + tm.substring(2), q));
            return roles;
        }
    }

    public SpeedupBench(Settings settings, PrintWriter out) {
        this.s = settings;
        this.roles = settings.roleQuota();
        this.out = out;
    }

    public Map<String, Object> run() throws Exception {
        Files.createDirectories(s.dir());
        try (var old = Files.newDirectoryStream(s.dir(), "results-*.jsonl")) {
            for (Path f : old) {
                Files.delete(f); // this run's results only
            }
        }
        ModelSpec spec = Models.byName(s.model());
        Map<Double, QuotaProfile> profiles = new LinkedHashMap<>();
        for (double q : s.cpuQuota().values()) {
            if (!profiles.containsKey(q)) {
                profiles.put(q, QuotaProfile.measure(s.model(), s.height(), s.width(), q, s.dir(), out));
            }
        }
        boolean unequal = s.cpuQuota().values().stream().distinct().count() > 1;
        List<Map<String, Object>> perBandwidth = new ArrayList<>();
        for (int mbps : s.bandwidthsMbps()) {
            perBandwidth.add(atBandwidth(spec, profiles, unequal, mbps));
        }
        Map<String, Object> r = new LinkedHashMap<>(perBandwidth.get(0));
        if (perBandwidth.size() > 1) {
            r.put("bandwidths", perBandwidth);
            Path png = s.dir().resolve("speedup-vs-bandwidth.png");
            SpeedupReport.plot(perBandwidth, png);
            r.put("plot", png.toString());
            out.println("plot: " + png);
        }
        return r;
    }

    private Map<String, Object> atBandwidth(ModelSpec spec, Map<Double, QuotaProfile> profiles, boolean unequal,
                                            int mbps) throws Exception {
        Path dir = s.dir().resolve("cluster");
        ClusterState state = LocalCluster.start(new ClusterSpec(dir, s.secondaries(), 1, 0, 0, s.netns(), mbps, 0,
                false, taskManagerMemory(s.batch()), s.classpath(), s.cpuQuota()), out);
        try {
            FlinkRest rest = new FlinkRest(state.restUrl());
            String jar = rest.uploadJar(s.jobJar());
            HopBench.Result hop = HopBench.measure(rest, jar, state, List.of(16, 256, 1024, 4096), 20, mbps, out);

            CpuQuotas quotas = CpuQuotas.detect();
            SchemeRun.Context ctx = new SchemeRun.Context(rest, jar, state, quotas, roles, s.model(),
                    s.height(), s.width(), s.batch(), s.warmupBursts(), s.bursts(), s.jobOptions(), s.dir(), out);
            Workload w = Workload.single(spec, s.height(), s.width());
            Cluster profiled = cluster(profiles, hop);
            // each scheme's servers calibrated in a run of that scheme: the host's role costs differ between them
            SchemePlan first = new HalpScheme().plan(w, profiled);
            // fresh TaskManagers run their first jobs slower than later ones (seen: a first run's servers spent
            // 9-16 % more CPU per frame than the rounds' did): one run of each scheme, not used, warms them first
            SchemeRun.run(ctx, "warm-up-halp", schemeArgs("calibration", new Prediction(0, first.plan()), dir));
            SchemeRun.run(ctx, "warm-up-local", schemeArgs("local", new Prediction(0, null), dir));
            // calibrated in the order HALP, Local, Local, HALP, each scheme from its two runs' frames together: the
            // machine's speed drifts (seen: one calibration run spent a fifth more CPU per frame than the same job in
            // the rounds), and a drift during calibration should weigh on both schemes alike, not on one
            List<SchemeRun.Outcome> halpRuns = new ArrayList<>();
            List<SchemeRun.Outcome> localRuns = new ArrayList<>();
            for (String scheme : List.of("halp", "local", "local", "halp")) {
                boolean isHalp = scheme.equals("halp");
                (isHalp ? halpRuns : localRuns).add(SchemeRun.run(ctx, "calibration-" + scheme,
                        schemeArgs(isHalp ? "calibration" : "local", new Prediction(0, isHalp ? first.plan() : null), dir)));
            }
            Calibration calibration = Calibration.of(first.plan(), profiled, results(halpRuns));
            SchemePlan alone = new LocalScheme().plan(w, profiled);
            Calibration localCalibration = Calibration.of(alone.plan(), profiled, results(localRuns));
            // CPU per frame of the calibration runs next to the rounds': more work, or the same work on a slower machine
            out.printf("calibration (compute in the job over the profile's prediction): halp %s, local %s; CPU-ms "
                            + "per frame: halp %s, local %s%n", calibration.factors(), localCalibration.factors(),
                    cpu(halpRuns), cpu(localRuns));
            Cluster cluster = calibration.apply(profiled);
            SchemePlan halp = new HalpScheme().plan(w, cluster);
            // the host runs the head on the stitched features after the planner's timelines end (the frame's way
            // in through the split is in them)
            double head = profiles.get(roles.get("host")).headMs() * s.batch();
            Map<String, Prediction> predicted = new LinkedHashMap<>();
            predicted.put("local", new Prediction(new LocalScheme().plan(w, localCalibration.apply(profiled)).finishMs()
                    + head * localCalibration.factor("host"), null));
            predicted.put("halp", new Prediction(halp.finishMs() + head * calibration.factor("host"), halp.plan()));
            if (unequal) {
                SegmentPlan equal = ProportionalSplit.equal(spec, s.height(), s.width(), FusedBlocks.perStage(spec),
                        s.secondaries());
                predicted.put("equal", new Prediction(new PlanSimulator(cluster, true).run(equal, 1).makespan()
                        + head * calibration.factor("host"),
                        equal));
            }
            out.printf("planner at %d Mbit/s (link %.0f Mbit/s + %.2f ms, devices %.2f ms per MB moved): %s; "
                            + "predicted %s%n", mbps, cluster.network().link(0).bandwidthMbps(), hop.fixedMs(),
                    hop.exchangeMsPerMb(), halp.plan().blocks().stream().map(b -> b.pieces().toString()).toList(),
                    predicted.entrySet().stream().map(e -> String.format("%s %.0f ms", e.getKey(), e.getValue().ms()))
                            .toList());

            List<Map<String, SchemeRun.Outcome>> rounds = new ArrayList<>();
            List<Map<String, Double>> atRoundSpeeds = new ArrayList<>();
            for (int round = 0; round < s.rounds(); round++) {
                List<String> order = new ArrayList<>(predicted.keySet());
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                Map<String, SchemeRun.Outcome> outcomes = new LinkedHashMap<>();
                for (String scheme : order) {
                    outcomes.put(scheme, SchemeRun.run(ctx, scheme, schemeArgs(scheme, predicted.get(scheme), dir)));
                }
                rounds.add(outcomes);
                Map<String, Double> model = atRoundSpeeds(outcomes, predicted, alone.plan(), w, profiled, head);
                atRoundSpeeds.add(model);
                out.printf("round %d: %s; the plans simulated at this round's speeds: %s%n", round,
                        SpeedupReport.roundLine(outcomes), model.entrySet().stream()
                                .map(e -> String.format("%s %.0f ms", e.getKey(), e.getValue())).toList());
            }
            Map<String, Object> summary = new LinkedHashMap<>(SpeedupReport.summary(s, mbps, hop, predicted, rounds, atRoundSpeeds, out));
            summary.put("calibration", Map.of("halp", calibration.factors(), "local", localCalibration.factors(),
                    "halp_cpu_ms_per_frame", cpu(halpRuns), "local_cpu_ms_per_frame", cpu(localRuns),
                    "halp_p50_ms", halpRuns.stream().map(SchemeRun.Outcome::p50).toList(),
                    "local_p50_ms", localRuns.stream().map(SchemeRun.Outcome::p50).toList()));
            rest.deleteJar(jar);
            return summary;
        } finally {
            LocalCluster.stop(dir, out);
        }
    }

    private static List<ResultRecord> results(List<SchemeRun.Outcome> runs) {
        return runs.stream().flatMap(o -> o.results().stream()).toList();
    }

    /** Each run's CPU-ms per frame by role. */
    private static List<Map<String, Double>> cpu(List<SchemeRun.Outcome> runs) {
        return runs.stream().map(o -> SpeedupReport.rounded(o.cpuMsPerFrame())).toList();
    }

    /**
     * Flink process size per TaskManager: the default 3072m holds one 448x448 VGG-16 frame's rows in flight; a
     * batch of B frames needs B times the tensors (a batch of 4 ran out of heap in 3072m).
     */
    static String taskManagerMemory(int batch) {
        return batch == 1 ? "3072m" : (1536 + 768 * batch) + "m";
    }

    /** Each role's profile under its quota, scaled by the batch (one tensor of B frames), behind the measured hop. */
    private Cluster cluster(Map<Double, QuotaProfile> profiles, HopBench.Result hop) {
        DeviceProfile host = batched(profiles.get(roles.get("host")).device());
        List<DeviceProfile> secondaries = new ArrayList<>();
        for (int i = 0; i < s.secondaries(); i++) {
            secondaries.add(batched(profiles.get(roles.get("secondary_" + i)).device()));
        }
        // frame rows travel as pixel bytes, feature rows as float32
        return new Cluster(host, secondaries, Network.uniform(s.secondaries(), hop.link()), s.batch(),
                4 * s.batch(), hop.exchangeMsPerMb());
    }

    private DeviceProfile batched(DeviceProfile p) {
        return s.batch() == 1 ? p : ((MeasuredProfile) p).scaled(p.name() + "x" + s.batch(), s.batch());
    }

    private List<String> schemeArgs(String scheme, Prediction p, Path dir) throws java.io.IOException {
        if (p.plan() == null) {
            return List.of("--scheme", "local");
        }
        Path file = dir.resolve(scheme + "-plan.json");
        new ObjectMapper().writeValue(file.toFile(), PlanJson.toMap(p.plan()));
        return List.of("--scheme", "halp", "--plan", file.toString());
    }

    /**
     * Each scheme's plan simulated with the speeds its servers had in this round (calibrated from the round's
     * own results, as the calibration run was): the simulator's model of the split alone, without the drift of
     * the machine between the calibration run and the round, which a prediction made before the round carries.
     */
    static Map<String, Double> atRoundSpeeds(Map<String, SchemeRun.Outcome> outcomes,
                                             Map<String, Prediction> predicted, SegmentPlan local, Workload w,
                                             Cluster profiled, double head) {
        Map<String, Double> ms = new LinkedHashMap<>();
        outcomes.forEach((scheme, o) -> {
            SegmentPlan plan = scheme.equals("local") ? local : predicted.get(scheme).plan();
            Calibration c = Calibration.of(plan, profiled, o.results());
            Cluster at = c.apply(profiled);
            double features = scheme.equals("local") ? new LocalScheme().plan(w, at).finishMs()
                    : new PlanSimulator(at, true).run(plan, 1).makespan();
            ms.put(scheme, features + head * c.factor("host"));
        });
        return ms;
    }

    /** The planner's predicted p50 of one scheme (features, exchanges and the head) and its plan. */
    record Prediction(double ms, SegmentPlan plan) {
    }

    /** The nearest-rank percentile of {@code v}. */
    static double percentile(double[] v, double percentile) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(percentile / 100.0 * s.length) - 1))];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
