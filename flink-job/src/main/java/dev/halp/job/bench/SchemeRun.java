package dev.halp.job.bench;

import dev.halp.job.cluster.ClusterState;
import dev.halp.job.cluster.CpuQuotas;
import dev.halp.job.cluster.FlinkRest;
import dev.halp.job.cluster.SubmitCommand;
import dev.halp.job.stream.HalpJobMain;
import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheme's job on the bench cluster for one round: submitted through the REST API, each role's CPU quota
 * put on the TaskManager that runs it (the scheduler decides where participant {@code k} lands; the first
 * warm-up result names it), then frames sent in bursts of the batch size, the next burst after the last
 * result of the previous one, so latencies hold no queueing. Reports each burst's time and each role's CPU
 * time per frame from its TaskManager's CPU group.
 */
final class SchemeRun {

    /** What the bench's cluster is and what every run shares. */
    record Context(FlinkRest rest, String jarId, ClusterState cluster, CpuQuotas quotas, Map<String, Double> roleQuota,
                   String model, int height, int width, int batch, int warmupBursts, int bursts,
                   List<String> jobOptions, java.nio.file.Path resultsDir, PrintWriter out) {
    }

    /**
     * Milliseconds from each burst's send to its last result; CPU ms per frame by role, the kernel's part of it
     * and the page faults behind that; the machine's steal time per frame (CPU its hypervisor gave to others while
     * this machine's processes wanted it); the measured results.
     */
    record Outcome(String label, double[] burstMs, Map<String, Double> cpuMsPerFrame,
                   Map<String, Double> kernelMsPerFrame, Map<String, Double> pageFaultsPerFrame, double stealMsPerFrame,
                   List<ResultRecord> results) {

        double p50() {
            return SpeedupBench.median(burstMs);
        }
    }

    private SchemeRun() {
    }

    static Outcome run(Context c, String label, List<String> schemeArgs) throws Exception {
        String run = label + "-" + System.nanoTime();
        List<String> args = new ArrayList<>(List.of("--bootstrap", c.cluster().bootstrap(), "--secondaries",
                Integer.toString(c.cluster().secondaries()), "--model", c.model(), "--warmup-size",
                c.height() + "x" + c.width(), "--deadline-ms", "300000", "--rescue-margin-ms", "0", "--start-from",
                "latest", "--slot-labels", "--group-id", run, "--threads", "1", "--batch-size",
                Integer.toString(c.batch()), "--batch-linger-ms", c.batch() > 1 ? "2000" : "0"));
        args.addAll(c.jobOptions());
        args.addAll(schemeArgs);
        String job = c.rest().runJar(c.jarId(), HalpJobMain.class.getName(), args);
        try {
            FlinkRest.JobState js = SubmitCommand.awaitRunning(c.rest(), job, Duration.ofMinutes(5));
            if (!js.allTasksRunning()) {
                throw new IllegalStateException("the " + label + " job did not start: " + js.state()
                        + c.rest().latestFailure(job).map(f -> "; its latest failure: " + f).orElse(""));
            }
            return frames(c, label, run);
        } finally {
            // a job that failed (its cause is in the JobManager's log) cannot be cancelled: keep the first error
            if (!List.of("CANCELED", "FAILED", "FINISHED").contains(c.rest().job(job).state())) {
                c.rest().cancel(job);
            }
            long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!List.of("CANCELED", "FAILED", "FINISHED").contains(c.rest().job(job).state())
                    && System.nanoTime() < until) {
                Thread.sleep(200);
            }
        }
    }

    private static Outcome frames(Context c, String label, String camera) throws Exception {
        Map<String, String> roleOf = new HashMap<>();
        Map<String, CpuQuotas.Usage> before = new HashMap<>();
        long stealBefore = 0;
        List<Double> bursts = new ArrayList<>();
        List<ResultRecord> measured = new ArrayList<>();
        try (CameraSimulator cam = CameraSimulator.builder().setBootstrap(c.cluster().bootstrap()).setTopic("frames")
                .optSize(c.width(), c.height()).optSeed(1).build();
             KafkaConsumer<String, String> results = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.cluster().bootstrap(),
                     ConsumerConfig.GROUP_ID_CONFIG, camera, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                     new StringDeserializer(), new StringDeserializer())) {
            results.subscribe(List.of("results"));
            while (results.assignment().isEmpty()) {
                results.poll(Duration.ofMillis(100));
            }
            results.seekToEnd(results.assignment());
            results.assignment().forEach(results::position);
            Thread.sleep(1000); // the job's source starts from "latest": let it see the current end first
            int seq = 0;
            for (int b = 0; b < c.warmupBursts() + c.bursts(); b++) {
                if (b == c.warmupBursts()) {
                    for (String tm : roleOf.keySet()) {
                        before.put(tm, c.quotas().usage(c.cluster().cpuGroups().get(tm)));
                    }
                    stealBefore = stealTicks();
                }
                long t0 = System.nanoTime();
                List<FrameRecord> sent = new ArrayList<>();
                for (int i = 0; i < c.batch(); i++, seq++) {
                    FrameRecord f = cam.frame(camera, seq, System.currentTimeMillis(), seq);
                    cam.send(f);
                    sent.add(f);
                }
                List<ResultRecord> got = await(results, sent);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (b == 0) {
                    applyRoleQuotas(c, got.get(0), roleOf);
                }
                if (b >= c.warmupBursts()) {
                    bursts.add(ms);
                    measured.addAll(got);
                    keep(c, label, got);
                }
                c.out().printf("  %-6s burst %2d: %.1f ms %s%n", label, b, ms, perServer(got.get(0)));
            }
        }
        double frames = (double) c.bursts() * c.batch();
        double steal = (stealTicks() - stealBefore) * 10.0 / frames;
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> kernel = new LinkedHashMap<>();
        Map<String, Double> faults = new LinkedHashMap<>();
        for (Map.Entry<String, String> tm : roleOf.entrySet()) {
            CpuQuotas.Group g = c.cluster().cpuGroups().get(tm.getKey());
            CpuQuotas.Usage used = c.quotas().usage(g).since(before.get(tm.getKey()));
            cpu.put(tm.getValue(), used.cpuNanos() / 1e6 / frames);
            kernel.put(tm.getValue(), used.kernelNanos() / 1e6 / frames);
            faults.put(tm.getValue(), used.pageFaults() / frames);
        }
        c.out().printf("  %-6s CPU-ms per frame %s, of it in the kernel %s; page faults per frame %s; machine steal "
                + "%.0f ms per frame%n", label, rounded(cpu), rounded(kernel), rounded(faults), steal);
        return new Outcome(label, bursts.stream().mapToDouble(Double::doubleValue).toArray(), cpu, kernel, faults,
                steal, measured);
    }

    private static Map<String, Long> rounded(Map<String, Double> ms) {
        Map<String, Long> out = new LinkedHashMap<>();
        ms.forEach((k, v) -> out.put(k, Math.round(v)));
        return out;
    }

    /** The machine's steal time so far, in ticks of 10 ms ({@code /proc/stat}); 0 where it is not reported. */
    static long stealTicks() {
        try {
            String[] cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim()
                    .split("\\s+");
            return cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The measured results as JSON lines, {@code results-LABEL.jsonl} in the bench's directory: spans to study. */
    private static void keep(Context c, String label, List<ResultRecord> got) throws IOException {
        StringBuilder lines = new StringBuilder();
        got.forEach(r -> lines.append(Json.write(r)).append('\n'));
        java.nio.file.Files.writeString(c.resultsDir().resolve("results-" + label + ".jsonl"), lines,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Each participant's quota onto the TaskManager the scheduler gave it (from a result's per-server report). */
    private static void applyRoleQuotas(Context c, ResultRecord r, Map<String, String> roleOf) throws IOException {
        for (Map.Entry<String, ResultRecord.EsReport> es : r.es.entrySet()) {
            String tm = es.getValue().taskManager;
            if (tm == null) {
                continue; // a participant without work in this scheme
            }
            CpuQuotas.Group g = c.cluster().cpuGroups().get(tm);
            Double quota = c.roleQuota().get(es.getKey());
            if (g != null && quota != null) {
                c.quotas().setQuota(g, quota);
                roleOf.put(tm, es.getKey());
            }
        }
    }

    private static List<ResultRecord> await(KafkaConsumer<String, String> results, List<FrameRecord> frames) {
        Map<Long, ResultRecord> got = new HashMap<>();
        String camera = frames.get(0).cameraId;
        long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (got.size() < frames.size() && System.nanoTime() < until) {
            for (ConsumerRecord<String, String> rec : results.poll(Duration.ofMillis(20))) {
                ResultRecord r = Json.read(rec.value(), ResultRecord.class);
                if (r.cameraId.equals(camera) && frames.stream().anyMatch(f -> f.sequence == r.sequence)) {
                    got.put(r.sequence, r);
                }
            }
        }
        if (got.size() < frames.size()) {
            throw new IllegalStateException("results of " + got.size() + " of " + frames.size() + " frames of " + camera
                    + " within 5 minutes");
        }
        return frames.stream().map(f -> got.get(f.sequence)).toList();
    }

    private static String perServer(ResultRecord r) {
        StringBuilder b = new StringBuilder();
        r.es.forEach((es, x) -> b.append(String.format(" %s@%s %.0f+%.0fms", es, x.taskManager, x.computeMs, x.waitMs)));
        return b.toString().trim();
    }
}
