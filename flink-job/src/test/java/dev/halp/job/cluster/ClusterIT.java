package dev.halp.job.cluster;

import dev.halp.job.testing.HeadlessChromium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halp.job.cli.Halp;
import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.flink.Results;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.Models;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment end to end, after {@code package}: a standalone cluster of separate JVMs (JobManager with
 * dashboard, Kafka broker, host + 2 secondary TaskManagers), the shaded job jar submitted through the
 * dashboard's REST calls, frames through Kafka, results equal to whole-frame inference, and the dashboard
 * itself (headless Chromium) listing the job as RUNNING. The host TaskManager has 3 slots and the job runs
 * two merge + head instances ({@code --host-parallelism 2}). Then a secondary TaskManager is killed under an
 * exactly-once job and started again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final int SIZE = 64;
    private static final int FRAMES = 6;
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path DIR = TARGET.resolve("cluster-it");
    private static final Path STALE_BLOB = DIR.resolve("tmp/es0/tm_es0/blobStorage/job_0123/p-stale");
    private static ClusterState cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        if (Files.exists(DIR)) {
            // a previous run's broker data would replay its results
            try (var files = Files.walk(DIR)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        // what an earlier cluster's TaskManager left in its scratch: a job's jar in the blob cache
        Files.createDirectories(STALE_BLOB.getParent());
        Files.write(STALE_BLOB, new byte[1024]);
        String classpath = TARGET.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(TARGET.resolve("classpath.txt")).trim();
        cluster = LocalCluster.start(new ClusterSpec(DIR, 2, 3, 0, 0, false, 1000, 0, false, "3072m", classpath,
                        quotasWritable() ? QUOTAS : Map.of()), new PrintWriter(System.out, true));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        LocalCluster.stop(DIR, new PrintWriter(System.out, true));
        assertTrue(cluster.nodes().stream().allMatch(n -> n.process().isEmpty()), "every cluster JVM stopped");
        cluster.cpuGroups().values().forEach(g -> assertTrue(!Files.exists(g.cpu()) && !Files.exists(g.cpuacct()),
                "CPU group removed: " + g));
    }

    /**
     * Whatever a test started is cancelled, passed or failed, and its slots are back (a TaskManager frees them
     * after the job is CANCELED), so the next test finds every slot free.
     */
    @AfterEach
    void cancelRunningJobs() throws Exception {
        FlinkRest rest = new FlinkRest(cluster.restUrl());
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            List<String> live = new java.util.ArrayList<>();
            for (JsonNode j : rest.jobs()) {
                if (!List.of("CANCELED", "FAILED", "FINISHED").contains(j.path("state").asText())) {
                    live.add(j.path("jid").asText());
                }
            }
            JsonNode overview = rest.overview();
            if (live.isEmpty() && overview.path("slots-available").asInt() == overview.path("slots-total").asInt()) {
                return;
            }
            for (String jid : live) {
                try {
                    rest.cancel(jid);
                } catch (java.io.IOException endedMeanwhile) {
                    // already ending
                }
            }
            Thread.sleep(500);
        }
    }

    /** CPU quotas generous enough not to slow the tests; es1 is the half-core edge server. */
    private static final Map<String, Double> QUOTAS = Map.of("host", 1.5, "es0", 1.0, "es1", 0.5);

    private static boolean quotasWritable() {
        try {
            CpuQuotas.detect();
            return true;
        } catch (IllegalStateException e) {
            System.out.println("no CPU quotas in this cluster test: " + e.getMessage());
            return false;
        }
    }

    /** Each TaskManager JVM runs in its own CPU group, whose files hold the quota asked for. */
    @Test
    @Order(0)
    void everyTaskManagerRunsInItsOwnCpuGroupWithTheQuotaAskedFor() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(quotasWritable(), "cgroup cpu controller not writable here");
        CpuQuotas quotas = CpuQuotas.detect();
        assertEquals(QUOTAS.keySet(), cluster.cpuGroups().keySet());
        for (ClusterState.Node n : cluster.nodes()) {
            CpuQuotas.Group g = cluster.cpuGroups().get(n.name());
            if (g == null) {
                assertTrue(List.of("jobmanager", "kafka").contains(n.name()), n.name() + " has no CPU group");
                continue;
            }
            assertEquals(QUOTAS.get(n.name()), quotas.quota(g), 1e-9, n.name() + " quota");
            assertTrue(quotas.pids(g).contains(n.pid()), n.name() + " (PID " + n.pid() + ") in " + g.cpu());
            assertTrue(quotas.usageNanos(g) > 0, n.name() + " used CPU in its group");
            long kernel = quotas.systemNanos(g);
            assertTrue(kernel > 0 && kernel < quotas.usageNanos(g), n.name() + " kernel time " + kernel + " ns");
            assertTrue(quotas.pageFaults(g) > 0, n.name() + " page faults");
        }
    }

    /** Job jars that an earlier cluster's TaskManagers cached (137 MB per job and TaskManager) are not kept. */
    @Test
    @Order(0)
    void aStartedClusterLeavesNothingOfAnEarlierOnesScratch() {
        assertTrue(!Files.exists(STALE_BLOB), "an earlier TaskManager's blob cache was removed: " + STALE_BLOB);
    }

    /** Every TaskManager runs with the CPU runtime's allocator: tcmalloc mapped where installed, else glibc's settings. */
    @Test
    @Order(0)
    void everyTaskManagerRunsTheCpuRuntimesAllocator() throws Exception {
        Map<String, String> runtime = CpuRuntime.environment();
        for (ClusterState.Node n : cluster.nodes()) {
            if (List.of("jobmanager", "kafka", "view").contains(n.name())) {
                continue;
            }
            String environ = Files.readString(Path.of("/proc", Long.toString(n.pid()), "environ")).replace('\0', '\n');
            runtime.forEach((k, v) -> assertTrue(environ.lines().anyMatch(l -> l.equals(k + "=" + v)),
                    n.name() + " has " + k + "=" + v));
            String maps = Files.readString(Path.of("/proc", Long.toString(n.pid()), "maps"));
            assertEquals(runtime.containsKey("LD_PRELOAD"), maps.contains("libtcmalloc_minimal"),
                    n.name() + " maps tcmalloc exactly when it is the runtime's allocator (" + runtime + ")");
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aSubmittedJobTurnsKafkaFramesIntoExactResultsAndTheDashboardShowsItRunning() throws Exception {
        Path jar = Files.list(TARGET).filter(f -> f.getFileName().toString().matches("flink-job-.*-job\\.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("no job jar: run after package"));
        StringWriter out = new StringWriter();
        int rc = Halp.execute(new PrintWriter(out, true), new PrintWriter(out, true), "submit", "--dir", DIR.toString(),
                "--jar", jar.toString(), "--", "--model", "tiny", "--warmup-size", SIZE + "x" + SIZE,
                "--deadline-ms", "60000", "--host-parallelism", "2");
        assertEquals(0, rc, out.toString());
        FlinkRest rest = new FlinkRest(cluster.restUrl());
        JsonNode job = rest.jobs().get(0);
        assertEquals("RUNNING", job.path("state").asText(), out.toString());
        Map<String, Integer> parallelism = rest.parallelism(job.path("jid").asText());
        assertEquals(2, parallelism.entrySet().stream().filter(e -> e.getKey().startsWith("host: merge + head"))
                .findFirst().orElseThrow().getValue(), parallelism.toString());

        Map<Long, String> expected = new HashMap<>();
        sendFrames("frames", 3, FRAMES, 0, expected);
        Set<String> taskManagers = new HashSet<>();
        List<ResultRecord> results = readResults("results", FRAMES, r -> true);
        assertEquals(FRAMES, results.size(), "results of " + FRAMES + " frames");
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
            r.es.values().forEach(es -> taskManagers.add(es.taskManager));
        }
        assertEquals(Set.of("host", "es0", "es1"), taskManagers, "edge servers ran on the cluster's three TaskManagers");

        String running = cluster.restUrl() + "/#/job/running";
        String name = job.path("name").asText();
        Path png = TARGET.resolve("dashboard-running-job.png");
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.open(running, text -> text.contains(name) && text.contains("RUNNING"), Duration.ofSeconds(90));
            chromium.screenshot(png);
            String dom = chromium.dom();
            assertTrue(dom.contains(name) && dom.contains("RUNNING"), "the dashboard lists " + name + " as RUNNING");
        }
        assertTrue(Files.size(png) > 10_000, "screenshot " + png);

        rest.cancel(job.path("jid").asText());
    }

    @Test
    void theLiveViewStartsBesideTheClusterAsOneOfItsProcesses() throws Exception {
        String classpath = TARGET.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(TARGET.resolve("classpath.txt")).trim();
        String url = LocalCluster.startView(DIR, 0, classpath, new PrintWriter(System.out, true));
        java.net.http.HttpResponse<String> summary = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/summary")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, summary.statusCode(), summary.body());
        assertTrue(summary.body().contains("\"cameras\""), summary.body());
        ClusterState state = ClusterState.load(DIR).orElseThrow();
        assertTrue(state.nodes().stream().anyMatch(n -> n.name().equals("view") && n.process().isPresent()),
                "cluster stop ends the view with the rest: " + state.nodes());
    }

    /**
     * A secondary TaskManager killed (SIGKILL) while frames stream in, then started again as a supervisor would:
     * the job (exactly-once: checkpoints, transactional sink) fails over, restores its last checkpoint once the
     * slot is back, and a read_committed reader sees exactly one record per frame, each equal to whole-frame
     * inference.
     */
    @Test
    @Order(2)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aKilledSecondaryTaskManagerCostsNoFrameAndDuplicatesNone() throws Exception {
        int frames = 40;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            admin.createTopics(java.util.stream.Stream.of("frames-kill", "results-kill", "dead-kill", "feedback-kill")
                    .map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
        Path jar = Files.list(TARGET).filter(f -> f.getFileName().toString().matches("flink-job-.*-job\\.jar"))
                .findFirst().orElseThrow();
        StringWriter out = new StringWriter();
        int rc = Halp.execute(new PrintWriter(out, true), new PrintWriter(out, true), "submit", "--dir", DIR.toString(),
                "--jar", jar.toString(), "--", "--model", "tiny", "--warmup-size", SIZE + "x" + SIZE,
                "--deadline-ms", "180000", "--exactly-once", "--checkpoint-interval-ms", "1000",
                "--transaction-timeout-ms", "60000", "--frames-topic", "frames-kill", "--results-topic", "results-kill",
                "--dead-letter-topic", "dead-kill", "--feedback-topic", "feedback-kill", "--group-id", "kill");
        assertEquals(0, rc, out.toString());
        FlinkRest rest = new FlinkRest(cluster.restUrl());
        String jid = null;
        for (JsonNode j : rest.jobs()) {
            if ("RUNNING".equals(j.path("state").asText())) {
                jid = j.path("jid").asText();
            }
        }
        assertTrue(jid != null, "the job runs: " + rest.jobs());

        Map<Long, String> expected = new java.util.concurrent.ConcurrentHashMap<>();
        Thread camera = new Thread(() -> {
            try {
                sendFrames("frames-kill", 5, frames, 300, expected);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "camera");
        camera.start();
        // once results are committed, kill es1 hard, as a crash would
        assertTrue(readResults("results-kill", 3, r -> true).size() >= 3, "results before the kill");
        ClusterState.Node es1 = cluster.nodes().stream().filter(n -> n.name().equals("es1")).findFirst().orElseThrow();
        ProcessHandle victim = es1.process().orElseThrow();
        victim.destroyForcibly();
        victim.onExit().get(30, TimeUnit.SECONDS);
        Thread.sleep(2000);
        cluster = LocalCluster.restart(DIR, "es1", new PrintWriter(System.out, true));
        camera.join(120_000);

        List<ResultRecord> results = readResults("results-kill", frames, r -> true);
        Map<Long, Long> perFrame = new java.util.TreeMap<>();
        results.forEach(r -> perFrame.merge(r.sequence, 1L, Long::sum));
        assertEquals(frames, perFrame.size(), "every frame has a committed record: " + perFrame.keySet());
        assertTrue(perFrame.values().stream().allMatch(n -> n == 1), "no frame twice: " + perFrame);
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
        }
        JsonNode checkpoints = rest.checkpoints(jid);
        assertTrue(checkpoints.path("latest").path("restored").path("external_path").asText().contains("/state/checkpoints/"),
                "the job restored a checkpoint from the cluster's checkpoint directory after the TaskManager was lost: "
                        + checkpoints);
        assertEquals("RUNNING", rest.job(jid).state());
        rest.cancel(jid);
    }

    /** Sends camera frames 0..count-1 to {@code topic}, each one's whole-frame inference noted first. */
    private static void sendFrames(String topic, long seed, int count, long spacingMs, Map<Long, String> expected)
            throws Exception {
        try (CnnModel reference = CnnModel.builder().setSpec(Models.tiny()).optSeed(7).optThreads(1).build();
             CameraSimulator camera = CameraSimulator.builder().setBootstrap(cluster.bootstrap()).setTopic(topic)
                     .optSize(SIZE, SIZE).optSeed(seed).build()) {
            for (long i = 0; i < count; i++) {
                FrameRecord f = camera.frame("cam-0", i, System.currentTimeMillis(), i);
                TensorBytes t = TensorBytes.ofFloats(new long[] {1, 3, SIZE, SIZE}, FramePixels.toRgbPlanes(f));
                expected.put(i, Results.sha256(reference.head(reference.features(t, 0, Models.tiny().features().size()))[0]));
                camera.send(f);
                Thread.sleep(spacingMs);
            }
        }
    }

    private List<ResultRecord> readResults(String topic, int count, java.util.function.Predicate<ResultRecord> keep) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-" + java.util.UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ResultRecord> results = new java.util.ArrayList<>();
            long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (results.size() < count && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> c : consumer.poll(Duration.ofMillis(500))) {
                    ResultRecord r = Json.read(c.value(), ResultRecord.class);
                    if (keep.test(r)) {
                        results.add(r);
                    }
                }
            }
            return results;
        }
    }
}
