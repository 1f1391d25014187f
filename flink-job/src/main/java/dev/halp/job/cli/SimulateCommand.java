package dev.halp.job.cli;

import dev.halp.partitioner.cost.ChannelModel;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.scheme.CollaborationScheme;
import dev.halp.partitioner.scheme.SchemePlan;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import dev.halp.partitioner.sim.ReliabilityStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Plays a scenario: Local, MoDNN and HALP for every device pairing, bandwidth and tasks per batch, the
 * secondaries sweep, and the reliability study; prints tables, writes PNG plots with {@code --out}.
 * Exit status 1 when HALP is predicted slower than MoDNN or Local in some row (it must never be).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate Local, MoDNN and HALP over a scenario; tables and plots.")
final class SimulateCommand implements Callable<Integer> {

    /** One table row. */
    record Row(String scheme, int secondaries, double bandwidthMbps, int tasks, String device, double speedup,
               double latencyMs, double finishMs, long used, boolean sweep) { }

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", defaultValue = "paper", description = "scenario file or built-in name (default: ${DEFAULT-VALUE})")
    String scenario;

    @Option(names = "--model", description = "model instead of the scenario's (${COMPLETION-CANDIDATES})",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--out", description = "directory for the PNG plots")
    Path out;

    @picocli.CommandLine.Mixin
    JsonSummary json;

    @Override
    public Integer call() throws Exception {
        Scenario sc;
        try {
            sc = Scenario.load(scenario);
        } catch (IOException | IllegalArgumentException e) {
            throw Options.bad(spec, "--scenario", e.getMessage());
        }
        if (model != null) {
            sc = sc.withModel(Options.model(spec, model));
        }
        if (out != null) {
            Files.createDirectories(out);
        }
        PrintWriter o = json.progress();
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        boolean ordered = true;
        for (String[] pairing : sc.clusters()) {
            for (int tasks : sc.tasks()) {
                o.printf("%n%s, %d secondaries, %d task(s) per batch: speedup over the host alone (HALP latency)%n",
                        pairing[0], sc.secondaries(), tasks);
                o.printf("%10s %8s %8s %8s %14s %5s%n", "Mbps", "local", "modnn", "halp", "halp lat. ms", "used");
                for (double mbps : sc.bandwidths()) {
                    List<Row> r = row(sc, pairing, sc.secondaries(), mbps, tasks, false);
                    rows.addAll(r);
                    ordered &= print(o, mbps, r);
                }
            }
            o.printf("%n%s, 1 task, %.0f Mbps: speedup by number of secondaries%n", pairing[0], sc.sweepBandwidth());
            o.printf("%10s %8s %8s %8s %14s %5s%n", "secondaries", "local", "modnn", "halp", "halp lat. ms", "used");
            for (int n : sc.sweep()) {
                List<Row> r = row(sc, pairing, n, sc.sweepBandwidth(), 1, true);
                rows.addAll(r);
                ordered &= print(o, n, r);
            }
        }
        List<ReliabilityStudy.Point> reliability = new ArrayList<>();
        List<String> channelOf = new ArrayList<>();
        boolean awareOk = true;
        for (Map.Entry<String, ChannelModel> ch : sc.channels().entrySet()) {
            List<ReliabilityStudy.Point> points = reliability(sc, ch.getValue());
            o.printf("%nreliability, %s channel (mean %.0f Mbps), %s with %d secondaries, %d frames: hit ratio by deadline%n",
                    ch.getKey(), ch.getValue().meanMbps(), sc.reliabilityCluster(), sc.reliabilitySecondaries(), sc.frames());
            o.printf("%12s %8s %8s %8s %15s%n", "deadline ms", "local", "modnn", "halp", DEADLINE_AWARE);
            int n = sc.deadlines().length;
            for (int i = 0; i < n; i++) {
                double aware = points.get(3 * n + i).hitRatio();
                double best = Math.max(points.get(i).hitRatio(), points.get(2 * n + i).hitRatio());
                awareOk &= aware >= best - 0.01;
                o.printf("%12.1f %8.3f %8.3f %8.3f %15.3f%s%n", sc.deadlines()[i], points.get(i).hitRatio(),
                        points.get(n + i).hitRatio(), points.get(2 * n + i).hitRatio(), aware,
                        aware >= best - 0.01 ? "" : "  BEHIND");
            }
            reliability.addAll(points);
            points.forEach(p -> channelOf.add(ch.getKey()));
        }
        if (out != null) {
            SimulationPlots.write(out, sc, rows, reliability, channelOf);
            o.println("\nplots written to " + out);
        }
        o.printf("%s in %.1f s; HALP >= MoDNN and >= Local in every row: %s; deadline-aware >= max(Local, HALP) - 0.01 "
                + "at every deadline: %s%n", sc.name(), (System.nanoTime() - t0) / 1e9, ordered ? "yes" : "NO",
                awareOk ? "yes" : "NO");
        if (json.enabled()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("scenario", sc.name());
            j.put("halp_never_behind", ordered);
            j.put("deadline_aware_never_behind", awareOk);
            j.put("rows", rows.stream().map(r -> Map.of("scheme", r.scheme(), "secondaries", r.secondaries(),
                    "bandwidth_mbps", r.bandwidthMbps(), "tasks", r.tasks(), "device", r.device(),
                    "speedup", PlanJson.round(r.speedup()), "latency_ms", PlanJson.round(r.latencyMs()))).toList());
            List<Object> rel = new ArrayList<>();
            for (int i = 0; i < reliability.size(); i++) {
                var p = reliability.get(i);
                rel.add(Map.of("channel", channelOf.get(i), "scheme", p.scheme(), "deadline_ms", p.deadlineMs(),
                        "hit_ratio", p.hitRatio()));
            }
            j.put("reliability", rel);
            json.print(j);
        }
        return ordered && awareOk ? 0 : 1;
    }

    private static List<Row> row(Scenario sc, String[] pairing, int n, double mbps, int tasks, boolean sweep) {
        Cluster cluster = sc.cluster(pairing, n, mbps);
        Workload w = new Workload(sc.model(), sc.height(), sc.width(), tasks);
        List<Row> rows = new ArrayList<>();
        for (CollaborationScheme s : Schemes.all()) {
            SchemePlan p = s.plan(w, cluster);
            rows.add(new Row(s.name(), n, mbps, tasks, pairing[0], p.speedup(), p.meanLatencyMs(), p.finishMs(),
                    p.secondariesUsed(), sweep));
        }
        return rows;
    }

    /** Prints local, modnn, halp of one row; true when HALP is not behind either. */
    private static boolean print(PrintWriter o, double key, List<Row> r) {
        Row local = r.get(0);
        Row modnn = r.get(1);
        Row halp = r.get(2);
        boolean ok = halp.finishMs() <= local.finishMs() + 1e-9 && halp.finishMs() <= modnn.finishMs() + 1e-9;
        o.printf("%10s %8.2f %8.2f %8.2f %14.2f %5d%s%n", key == Math.rint(key) ? Long.toString((long) key) : key,
                local.speedup(), modnn.speedup(), halp.speedup(), halp.latencyMs(), halp.used(), ok ? "" : "  HALP BEHIND");
        return ok;
    }

    static final String DEADLINE_AWARE = "deadline-aware";

    /**
     * Plans every scheme for the channel's mean rate, then replays it under drawn rates; the deadline-aware
     * scheme chooses among those plans per frame.
     */
    private static List<ReliabilityStudy.Point> reliability(Scenario sc, ChannelModel channel) {
        Cluster cluster = sc.cluster(sc.pairing(sc.reliabilityCluster()), sc.reliabilitySecondaries(), channel.meanMbps());
        ReliabilityStudy study = new ReliabilityStudy(cluster, channel, sc.frames(), sc.seed());
        Workload w = Workload.single(sc.model(), sc.height(), sc.width());
        List<ReliabilityStudy.Point> points = new ArrayList<>();
        List<dev.halp.partitioner.plan.SegmentPlan> plans = new ArrayList<>();
        for (CollaborationScheme s : Schemes.all()) {
            plans.add(s.plan(w, cluster).plan());
            points.addAll(study.curve(s.name(), plans.get(plans.size() - 1), sc.deadlines()));
        }
        // one more candidate: HALP planned for a poor channel (its 10th percentile rate), for the bad spells
        double poor = ReliabilityStudy.quantileMbps(channel, 0.1, sc.seed());
        plans.add(new dev.halp.partitioner.scheme.HalpScheme().plan(w, sc.cluster(sc.pairing(sc.reliabilityCluster()),
                sc.reliabilitySecondaries(), poor)).plan());
        // per frame, the plan most likely to meet the deadline given the last frame's measured rates
        points.addAll(study.deadlineAware(DEADLINE_AWARE, plans, sc.deadlines()));
        return points;
    }
}
