package dev.halp.job.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.job.cli.PlanJson;
import dev.halp.job.cluster.ClusterSpec;
import dev.halp.job.cluster.ClusterState;
import dev.halp.job.cluster.FlinkRest;
import dev.halp.job.cluster.LocalCluster;
import dev.halp.job.cluster.SubmitCommand;
import dev.halp.job.stream.HalpJobMain;
import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.scheme.SchemePlan;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HALP against the host alone on a real cluster: 1 host + 1 secondary TaskManager, each pinned to one core
 * with one PyTorch thread, links shaped in network namespaces when possible. The same frames go through
 * the job with {@code --scheme local} and then with the planner's HALP plan for this machine's measured
 * profile ({@code --plan}); frames are sent one at a time (the next after the previous result), so the
 * latencies hold no queueing. The simulator's prediction for the same plan is printed beside the measurement.
 */
public final class SpeedupBench {

    private final Settings s;
    private final PrintWriter out;

    /** What to run: model and frame size, frames per scheme, link, cluster directory and launcher classpath. */
    public record Settings(String model, int height, int width, int frames, int warmupFrames, int bandwidthMbps,
                           double hopMs, boolean netns, Path dir, Path jobJar, String classpath,
                           List<String> jobOptions) {
    }

    public SpeedupBench(Settings settings, PrintWriter out) {
        this.s = settings;
        this.out = out;
    }

    public Map<String, Object> run() throws Exception {
        Files.createDirectories(s.dir());
        MachineProfile machine = MachineProfile.measure(s.model(), s.height(), s.width(), s.dir(), out);
        DeviceProfile device = machine.device();
        Cluster cluster = Cluster.uniform(device, device, 1, new Link(s.bandwidthMbps(), s.hopMs()));
        Workload workload = Workload.single(Models.byName(s.model()), s.height(), s.width());
        SchemePlan halpPlan = Schemes.byName("halp").plan(workload, cluster);
        Path planFile = s.dir().resolve("halp-plan.json");
        new ObjectMapper().writeValue(planFile.toFile(), PlanJson.toMap(halpPlan.plan()));
        out.printf("planner: HALP plan for 1 host + 1 secondary at %d Mbit/s, %.1f ms per hop: %s%n", s.bandwidthMbps(),
                s.hopMs(),
                halpPlan.plan().blocks().stream().map(b -> b.pieces().toString()).toList());

        ClusterState state = LocalCluster.start(new ClusterSpec(s.dir().resolve("cluster"), 1, 1, 0, 0, s.netns(),
                s.bandwidthMbps(), 0, true, "3072m", s.classpath()), out);
        Map<String, Histogram> latency = new LinkedHashMap<>();
        try {
            FlinkRest rest = new FlinkRest(state.restUrl());
            String jar = rest.uploadJar(s.jobJar());
            latency.put("local", measure(rest, jar, state, "local", List.of()));
            latency.put("halp", measure(rest, jar, state, "halp", List.of("--plan", planFile.toString())));
        } finally {
            LocalCluster.stop(s.dir().resolve("cluster"), out);
        }
        double local = latency.get("local").getValueAtPercentile(50) / 1000.0;
        double halp = latency.get("halp").getValueAtPercentile(50) / 1000.0;
        double measured = local / halp;
        // The simulator times the feature stack with the profile measured before the cluster started; the cluster's
        // cores run at another speed (other JVMs, steal time), so the profile is scaled by the local run's feature
        // time (its latency minus the head), and the head, which the host runs after the merge, is added back.
        double scale = Math.max(1e-9, local - machine.headMs()) / halpPlan.localMs();
        double predictedHalp = scale * halpPlan.finishMs() + machine.headMs();
        double predicted = local / predictedHalp;
        out.printf("p50 latency: local %.1f ms, halp %.1f ms: measured speedup %.2fx%n", local, halp, measured);
        out.printf("planner: feature stack local %.1f ms, halp %.1f ms: %.2fx; with the head (%.1f ms) and the profile "
                        + "scaled to the local run (x%.2f): predicted speedup %.2fx, measured/predicted %.3f%n",
                halpPlan.localMs(), halpPlan.finishMs(), halpPlan.speedup(), machine.headMs(), scale, predicted,
                measured / predicted);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", s.model());
        r.put("frame", s.height() + "x" + s.width());
        r.put("netns", s.netns());
        r.put("bandwidth_mbps", s.bandwidthMbps());
        r.put("hop_ms", s.hopMs());
        r.put("blocks", halpPlan.plan().blocks().size());
        r.put("local_p50_ms", round(local));
        r.put("halp_p50_ms", round(halp));
        r.put("local_p99_ms", round(latency.get("local").getValueAtPercentile(99) / 1000.0));
        r.put("halp_p99_ms", round(latency.get("halp").getValueAtPercentile(99) / 1000.0));
        r.put("measured_speedup", round(measured));
        r.put("predicted_speedup", round(predicted));
        r.put("planner_feature_speedup", round(halpPlan.speedup()));
        r.put("measured_over_predicted", round(measured / predicted));
        r.put("load_average", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return r;
    }

    /** Runs the job with one scheme, sends frames one at a time, returns the latency histogram (microseconds). */
    private Histogram measure(FlinkRest rest, String jar, ClusterState state, String scheme, List<String> extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--bootstrap", state.bootstrap(), "--secondaries", "1",
                "--scheme", scheme, "--model", s.model(), "--warmup-size", s.height() + "x" + s.width(),
                "--deadline-ms", "120000", "--start-from", "latest", "--slot-labels", "--group-id", "bench-" + scheme, "--threads", "1"));
        args.addAll(s.jobOptions());
        args.addAll(extra);
        String job = rest.runJar(jar, HalpJobMain.class.getName(), args);
        FlinkRest.JobState js = SubmitCommand.awaitRunning(rest, job, Duration.ofMinutes(3));
        if (!js.allTasksRunning()) {
            throw new IllegalStateException("the " + scheme + " job did not start: " + js.state());
        }
        Histogram h = new Histogram(3);
        try (CameraSimulator camera = CameraSimulator.builder().setBootstrap(state.bootstrap()).setTopic("frames")
                .optSize(s.width(), s.height()).optSeed(1).build();
             KafkaConsumer<String, String> results = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, state.bootstrap(),
                     ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + scheme + "-" + System.nanoTime(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(), new StringDeserializer())) {
            results.subscribe(List.of("results"));
            while (results.assignment().isEmpty()) {
                results.poll(Duration.ofMillis(100));
            }
            results.seekToEnd(results.assignment());
            results.assignment().forEach(results::position);
            Thread.sleep(1000); // the source starts from "latest": let it see the current end first
            for (int i = 0; i < s.warmupFrames() + s.frames(); i++) {
                FrameRecord f = camera.frame("bench-" + scheme, i, System.currentTimeMillis(), i);
                camera.send(f);
                ResultRecord r = await(results, f);
                if (i >= s.warmupFrames()) {
                    h.recordValue(Math.max(1, Math.round(r.latencyMs * 1000)));
                }
                out.printf("  %-5s frame %2d: %s %.1f ms %s%n", scheme, i, r.status, r.latencyMs, perServer(r));
            }
        } finally {
            rest.cancel(job);
            while (!List.of("CANCELED", "FAILED", "FINISHED").contains(rest.job(job).state())) {
                Thread.sleep(200);
            }
        }
        return h;
    }

    private static ResultRecord await(KafkaConsumer<String, String> results, FrameRecord f) {
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, String> c : results.poll(Duration.ofMillis(100))) {
                ResultRecord r = Json.read(c.value(), ResultRecord.class);
                if (r.cameraId.equals(f.cameraId) && r.sequence == f.sequence) {
                    return r;
                }
            }
        }
        throw new IllegalStateException("no result for frame " + f.sequence + " of " + f.cameraId + " within 2 minutes");
    }

    /** Per edge server: TaskManager, compute and wait milliseconds, bytes in. */
    private static String perServer(ResultRecord r) {
        StringBuilder b = new StringBuilder();
        r.es.forEach((es, x) -> b.append(String.format(" %s@%s %.0f+%.0fms %dkB", es, x.taskManager, x.computeMs,
                x.waitMs, x.bytesIn >> 10)));
        return b.toString().trim();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
