package dev.halp.job.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.job.cli.PlanJson;
import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.record.DeadLetter;
import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.PixelFormat;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.flink.Results;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.Models;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job end to end: a real Kafka broker, a MiniCluster with 1 host + 2 secondary TaskManagers (1 slot
 * each), frames in through Kafka, results out through Kafka.
 */
class StreamingJobIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(3).setNumberSlotsPerTaskManager(1)
            .setConfiguration(config()).build());

    private static final int SIZE = 64;
    private static EmbeddedKafkaBroker broker;
    private static CnnModel reference;

    private static Configuration config() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return c;
    }

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.forTests().start();
        reference = CnnModel.builder().setSpec(Models.tiny()).optSeed(7).optThreads(1).build();
    }

    @AfterAll
    static void stop() {
        reference.close();
        broker.close();
    }

    private static JobOptions options(String scheme, String suffix) {
        return options("tiny", scheme, suffix);
    }

    private static JobOptions options(String model, String scheme, String suffix) {
        JobOptions o = new JobOptions();
        new picocli.CommandLine(o).parseArgs("--model", model, "--scheme", scheme, "--secondaries", "2",
                "--deadline-ms", "60000", "--warmup-size", SIZE + "x" + SIZE, "--bootstrap", broker.bootstrapServers(),
                "--frames-topic", "frames-" + suffix, "--results-topic", "results-" + suffix,
                "--dead-letter-topic", "dead-" + suffix, "--feedback-topic", "feedback-" + suffix,
                "--group-id", "it-" + suffix);
        broker.createTopics(1, o.topics());
        return o.validate();
    }

    /** Synthetic frames {@code from..to} of camera cam-0, encoded, with each one's whole-frame inference. */
    record Frames(Map<Long, String> expected, List<byte[]> records) {
        static Frames synthetic(long from, long to) {
            return synthetic(from, to, SIZE);
        }

        static Frames synthetic(long from, long to, int size) {
            Map<Long, String> expected = new HashMap<>();
            List<byte[]> records = new ArrayList<>();
            for (long i = from; i <= to; i++) {
                FrameRecord f = CameraSimulator.synthetic("cam-0", i, System.currentTimeMillis(), size, size, i);
                expected.put(i, wholeFrameSha(f));
                records.add(FrameCodec.encode(f));
            }
            return new Frames(expected, records);
        }
    }

    /** Whole-frame inference of the same frame on an independent model instance. */
    private static String wholeFrameSha(FrameRecord f) {
        TensorBytes t = TensorBytes.ofFloats(new long[] {1, 3, f.height, f.width}, FramePixels.toRgbPlanes(f));
        return Results.sha256(reference.head(reference.features(t, 0, Models.tiny().features().size()))[0]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "modnn", "halp"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyResultEqualsWholeFrameInferenceAndEdgeServersStayOnTheirTaskManagers(String scheme) throws Exception {
        JobOptions o = options(scheme, scheme);
        Map<Long, String> expected = new HashMap<>();
        List<byte[]> records = new ArrayList<>();
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(o.bootstrap).setTopic(o.framesTopic)
                .optSize(SIZE, SIZE).optSeed(11).build()) {
            for (long i = 0; i < 8; i++) {
                FrameRecord f = sim.frame("cam-0", i, System.currentTimeMillis(), i);
                expected.put(i, wholeFrameSha(f));
                records.add(FrameCodec.encode(f));
            }
        }
        List<ResultRecord> results = run(o, records, 8, 0).results;
        assertEquals(8, results.size());
        Map<String, Set<String>> tms = new HashMap<>();
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
            r.es.forEach((es, report) -> {
                if (report.taskManager != null) {
                    assertFalse(report.taskManager.contains("|"), es + " moved between TaskManagers: " + report.taskManager);
                    tms.computeIfAbsent(es, k -> new HashSet<>()).add(report.taskManager);
                }
            });
        }
        tms.forEach((es, set) -> assertEquals(1, set.size(), es + " ran on " + set));
        if (!scheme.equals("local")) {
            assertEquals(3, tms.size(), "host and both secondaries computed: " + tms);
            Set<String> distinct = new HashSet<>();
            tms.values().forEach(distinct::addAll);
            assertEquals(3, distinct.size(), "one TaskManager per edge server: " + tms);
        }
    }

    /**
     * A residual network through the job: ResNet-18's blocks (branches split and joined inside a fused block)
     * and ResNet-50's bottlenecks planned by MoDNN and by HALP across both secondaries, every result equal to
     * whole-frame inference.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"resnet18,modnn", "resnet18,halp", "resnet50,halp"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aResidualNetworkIsSplitAcrossTheSecondariesExactly(String model, String scheme) throws Exception {
        JobOptions o = options(model, scheme, model + "-" + scheme);
        Map<Long, String> expected = new HashMap<>();
        List<byte[]> records = new ArrayList<>();
        try (CnnModel resnet = CnnModel.builder().setSpec(Models.byName(model)).optSeed(7).optThreads(1).build()) {
            for (long i = 0; i < 4; i++) {
                FrameRecord f = CameraSimulator.synthetic("cam-0", i, System.currentTimeMillis(), SIZE, SIZE, i);
                TensorBytes t = TensorBytes.ofFloats(new long[] {1, 3, SIZE, SIZE}, FramePixels.toRgbPlanes(f));
                expected.put(i, Results.sha256(resnet.head(resnet.features(t, 0, resnet.spec().features().size()))[0]));
                records.add(FrameCodec.encode(f));
            }
        }
        List<ResultRecord> results = run(o, records, 4, 0).results;
        assertEquals(4, results.size());
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
            assertTrue(r.es.keySet().containsAll(Set.of("secondary_0", "secondary_1")), "both secondaries computed: "
                    + r.es.keySet());
        }
    }

    /** --batch-size 2: frames travel in pairs, each result equals batched whole-frame inference of its pair. */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void batchedFramesGiveTheResultsOfBatchedWholeFrameInference() throws Exception {
        JobOptions o = options("halp", "batched");
        o.batchSize = 2;
        o.batchLingerMs = 60_000;
        o.validate();
        Map<Long, String> expected = new HashMap<>();
        List<byte[]> records = new ArrayList<>();
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(o.bootstrap).setTopic(o.framesTopic)
                .optSize(SIZE, SIZE).optSeed(13).build()) {
            for (long i = 0; i < 6; i += 2) {
                FrameRecord a = sim.frame("cam-0", i, System.currentTimeMillis(), i);
                FrameRecord b = sim.frame("cam-1", i + 1, System.currentTimeMillis(), i + 1);
                float[] pair = new float[2 * 3 * SIZE * SIZE];
                System.arraycopy(FramePixels.toRgbPlanes(a), 0, pair, 0, 3 * SIZE * SIZE);
                System.arraycopy(FramePixels.toRgbPlanes(b), 0, pair, 3 * SIZE * SIZE, 3 * SIZE * SIZE);
                float[][] scores = reference.head(reference.features(
                        TensorBytes.ofFloats(new long[] {2, 3, SIZE, SIZE}, pair), 0, Models.tiny().features().size()));
                expected.put(i, Results.sha256(scores[0]));
                expected.put(i + 1, Results.sha256(scores[1]));
                records.add(FrameCodec.encode(a));
                records.add(FrameCodec.encode(b));
            }
        }
        List<ResultRecord> results = run(o, records, 6, 0).results;
        assertEquals(6, results.size());
        Set<Long> seen = new HashSet<>();
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertTrue(seen.add(r.sequence), "frame " + r.sequence + " reported twice");
            assertEquals(r.sequence % 2 == 0 ? "cam-0" : "cam-1", r.cameraId);
            assertEquals(2, r.batchSize, "computed in a pair");
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from batched inference");
        }
    }

    /**
     * Secondary 0 stops answering (it drops everything, its TaskManager stays up): the host computes the
     * missing rows itself before the deadline, and every frame still ends in exactly one result, equal to
     * whole-frame inference.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void framesOfASilentSecondaryAreRescuedByTheHostExactly() throws Exception {
        JobOptions o = options("halp", "rescue");
        o.deadlineMs = 6000;
        o.rescueMarginMs = 4500;
        o.faultStallSecondary = 0;
        o.validate();
        Frames frames = Frames.synthetic(0, 3);
        Map<Long, String> expected = frames.expected();
        List<byte[]> records = frames.records();
        List<ResultRecord> results = run(o, records, 4, 0).results;
        assertEquals(4, results.size());
        Set<Long> seen = new HashSet<>();
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertTrue(seen.add(r.sequence), "frame " + r.sequence + " reported twice");
            assertTrue(r.rescued != null && r.rescued.contains("secondary_0"), Json.write(r));
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
        }
    }

    /**
     * Once results report secondary 0 silent (rescued frames), the split plans later frames without it:
     * they complete without a rescue, secondary 0 computing nothing, and still equal whole-frame inference.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void laterFramesArePlannedWithoutASilentSecondary() throws Exception {
        JobOptions o = options("halp", "exclude");
        o.deadlineMs = 3000;
        o.rescueMarginMs = 2500;
        o.faultStallSecondary = 0;
        o.probeEvery = 1000;
        o.deadlineClock = "ingest"; // the records are made up front and sent 400 ms apart
        o.validate();
        Frames frames = Frames.synthetic(1, 12);
        Map<Long, String> expected = frames.expected();
        List<byte[]> records = frames.records();
        List<ResultRecord> results = run(o, records, 12, 0, 400).results;
        assertEquals(12, results.size());
        long planned = 0;
        for (ResultRecord r : results) {
            assertEquals(ResultRecord.MET, r.status, Json.write(r));
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
            if (r.rescued == null) {
                assertEquals(0, r.es.get("secondary_0").rowsComputed, Json.write(r));
                planned++;
            }
        }
        assertTrue(results.stream().anyMatch(r -> r.rescued != null), "the first frames are rescued");
        assertTrue(planned > 0, "later frames are planned without secondary 0");
    }

    /** --adaptive: a slowed secondary's measured speed shifts rows away from it; results stay exact. */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void adaptivePlanningShiftsRowsAwayFromASlowSecondary() throws Exception {
        JobOptions o = options("halp", "adaptive");
        o.adaptive = true;
        o.faultSlowSecondary = 0;
        o.faultSlowMsPerRow = 4;
        assertRowsMoveAwayFromSecondary0(o);
    }

    /**
     * --adaptive under a degraded link: secondary 0's link carries 0.3 Mbit/s, its own measurements (link time
     * at the receiving ends) reach the split through the feedback topic and its share shrinks; results exact.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void adaptivePlanningShiftsRowsAwayFromADegradedLink() throws Exception {
        JobOptions o = options("halp", "adaptive-link");
        o.adaptive = true;
        o.faultLinkSecondary = 0;
        o.faultLinkMbps = 0.3;
        assertRowsMoveAwayFromSecondary0(o);
    }

    private void assertRowsMoveAwayFromSecondary0(JobOptions o) throws Exception {
        o.rescueMarginMs = 0;
        o.deadlineClock = "ingest";
        o.validate();
        Frames frames = Frames.synthetic(1, 12);
        Map<Long, String> expected = frames.expected();
        List<byte[]> records = frames.records();
        List<ResultRecord> results = run(o, records, 12, 0, 400).results;
        assertEquals(12, results.size());
        results.sort(java.util.Comparator.comparingLong(r -> r.sequence));
        for (ResultRecord r : results) {
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
        }
        ResultRecord first = results.get(0);
        ResultRecord last = results.get(results.size() - 1);
        int s0 = first.es.get("secondary_0").rowsComputed;
        int s1 = first.es.get("secondary_1").rowsComputed;
        assertTrue(Math.abs(s0 - s1) <= 0.1 * Math.max(s0, s1), "equal shares before anything is measured: "
                + Json.write(first.es));
        assertTrue(2 * last.es.get("secondary_0").rowsComputed < last.es.get("secondary_1").rowsComputed,
                "the slow secondary computes far fewer rows later: " + Json.write(last.es));
    }

    /**
     * --normalize imagenet --channels bgr: every participant's first block sees the frame normalised as the
     * model's input says, so results equal whole-frame inference of the same normalised frame.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void normalisedBgrInputGivesTheResultsOfWholeFrameInferenceOnTheSameInput() throws Exception {
        JobOptions o = options("halp", "normalised");
        o.normalize = "imagenet";
        o.channels = "bgr";
        o.validate();
        dev.halp.kafka.record.Normalization input = new dev.halp.kafka.record.Normalization("imagenet", true);
        Map<Long, String> expected = new HashMap<>();
        List<byte[]> records = new ArrayList<>();
        for (long i = 1; i <= 4; i++) {
            FrameRecord f = CameraSimulator.synthetic("cam-0", i, System.currentTimeMillis(), SIZE, SIZE, i);
            long[] shape = {1, 3, SIZE, SIZE};
            TensorBytes t = TensorBytes.ofFloats(shape, input.toFloats(FramePixels.toRgbPlaneBytes(f), shape));
            expected.put(i, Results.sha256(reference.head(reference.features(t, 0, Models.tiny().features().size()))[0]));
            records.add(FrameCodec.encode(f));
        }
        List<ResultRecord> results = run(o, records, 4, 0).results;
        assertEquals(4, results.size());
        for (ResultRecord r : results) {
            assertEquals(expected.get(r.sequence), r.scoresSha256, "frame " + r.sequence);
            assertFalse(r.scoresSha256.equals(wholeFrameSha(CameraSimulator.synthetic("cam-0", r.sequence, 0, SIZE, SIZE,
                    r.sequence))), "and not the result of the raw frame");
        }
    }

    /** A plan made by the planner (HALP scheme, CPU-like devices) runs in the job through --plan, exactly. */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aPlannerPlanRunsInTheJobExactly(@TempDir Path dir) throws Exception {
        var cpu = new FlopProfile("slow", 0.2, 1, 0.001, 4);
        var planned = Schemes.byName("halp").plan(Workload.single(Models.tiny(), SIZE, SIZE),
                Cluster.uniform(cpu, cpu, 2, new Link(10_000, 0.01))).plan();
        assertTrue(planned.blocks().stream().anyMatch(b -> b.pieces().stream().anyMatch(p -> !p.isZone())),
                "the planner should use the secondaries here: " + planned);
        Path file = dir.resolve("plan.json");
        new ObjectMapper().writeValue(file.toFile(), PlanJson.toMap(planned));
        JobOptions o = options("halp", "planned");
        o.plan = file;
        o.validate();
        FrameRecord f;
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(o.bootstrap).setTopic(o.framesTopic)
                .optSize(SIZE, SIZE).optSeed(5).build()) {
            f = sim.frame("cam-0", 0, System.currentTimeMillis(), 0);
        }
        Run r = run(o, List.of(FrameCodec.encode(f)), 1, 0);
        assertEquals(wholeFrameSha(f), r.results.get(0).scoresSha256);
        assertEquals(planned.blocks().size(), r.results.get(0).plan.size());
        for (int b = 0; b < planned.blocks().size(); b++) {
            assertTrue(r.results.get(0).plan.get(b).endsWith(planned.blocks().get(b).pieces().toString()),
                    r.results.get(0).plan.get(b));
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void malformedRecordsGoToTheDeadLetterTopicAndTheJobKeepsRunning() throws Exception {
        JobOptions o = options("halp", "malformed");
        List<byte[]> records = new ArrayList<>();
        FrameRecord good;
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(o.bootstrap).setTopic(o.framesTopic)
                .optSize(SIZE, SIZE).build()) {
            good = sim.frame("cam-0", 0, System.currentTimeMillis(), 0);
        }
        byte[] encoded = FrameCodec.encode(good);
        records.add(java.util.Arrays.copyOf(encoded, encoded.length - 100));          // truncated
        FrameRecord wrongLength = new FrameRecord("cam-1", 1, good.captureMillis, SIZE, SIZE, 3, PixelFormat.RGB8,
                new byte[SIZE * SIZE * 3 - 3]);
        records.add(FrameCodec.encode(wrongLength));                                     // wrong length
        byte[] unknownFormat = encoded.clone();
        unknownFormat[5] = 42;
        records.add(unknownFormat);                                                      // unknown format
        records.add(FrameCodec.encode(new FrameRecord("cam-1", 2, good.captureMillis, SIZE, SIZE, 3, PixelFormat.JPEG,
                new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3})));                       // undecodable JPEG
        records.add(encoded);                                                            // and a good frame after them
        Run r = run(o, records, 1, 4);
        assertEquals(1, r.results.size());
        assertEquals(wholeFrameSha(good), r.results.get(0).scoresSha256);
        assertEquals(4, r.deadLetters.size());
        String reasons = String.join(" / ", r.deadLetters.stream().map(d -> d.reason).toList());
        assertTrue(reasons.contains("truncated"), reasons);
        assertTrue(reasons.contains("does not match"), reasons);
        assertTrue(reasons.contains("unknown pixel format"), reasons);
        assertTrue(reasons.contains("undecodable JPEG"), reasons);
        assertTrue(r.deadLetters.stream().allMatch(d -> d.original != null && d.original.length > 0));
    }

    /** Deadlines no frame can meet: every frame is shed early and still ends as exactly one miss. */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void framesThatCannotMeetTheirDeadlineAreShedAndReportedAsMisses() throws Exception {
        JobOptions o = options("halp", "shed");
        o.deadlineMs = 1;
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(FrameCodec.encode(CameraSimulator.synthetic("cam-0", i, System.currentTimeMillis(), SIZE, SIZE, i)));
        }
        Run r = run(o, records, 10, 0);
        assertEquals(10, r.results.size());
        Set<Long> frames = new HashSet<>();
        for (ResultRecord res : r.results) {
            assertEquals(ResultRecord.MISSED, res.status, Json.write(res));
            assertTrue(frames.add(res.sequence), "frame " + res.sequence + " reported twice");
        }
    }

    /**
     * Overload: secondary 0 needs about 300 ms per frame (injected), frames come every 150 ms, twice what it
     * sustains. Every frame ends in exactly one record, frames that cannot make it are shed and reported, and
     * latency stays bounded (no record later than twice the deadline) instead of growing with the backlog.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void atTwiceTheSustainableRateLatencyStaysBoundedAndEveryFrameEndsOnce() throws Exception {
        JobOptions o = options("halp", "overload");
        o.faultSlowSecondary = 0;
        o.faultSlowMsPerRow = 300.0 / 60; // the tiny net gives each secondary about 60 rows per frame
        o.deadlineMs = 1200;
        o.rescueMarginMs = 0;
        o.validate();
        int frames = 30;
        List<java.util.function.Supplier<byte[]>> records = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            int seq = i;
            records.add(() -> FrameCodec.encode(CameraSimulator.synthetic("cam-0", seq, System.currentTimeMillis(), SIZE, SIZE, seq)));
        }
        Run r = run(o, records, frames, 0, 150, true);
        Map<Long, Long> perFrame = new java.util.TreeMap<>();
        r.results.forEach(res -> perFrame.merge(res.sequence, 1L, Long::sum));
        assertEquals(frames, perFrame.size(), "every frame ends in a record: " + perFrame.keySet());
        assertTrue(perFrame.values().stream().allMatch(n -> n == 1), "none twice: " + perFrame);
        long met = r.results.stream().filter(res -> res.sequence > 0 && res.met()).count();
        assertTrue(met > 0 && met < frames, "some frames make it, the overload sheds others: " + met + " met");
        // frame 0 warmed the job up (its deadline ran out while the job started)
        double worst = r.results.stream().filter(res -> res.sequence > 0)
                .mapToDouble(res -> res.completionMillis - res.deadlineMillis).max().orElseThrow();
        assertTrue(worst <= o.deadlineMs, "no record comes more than a deadline after its deadline: worst " + worst + " ms");
    }

    /**
     * --scheme auto under a burst, on edge devices emulated at 1 ms per row (a frame then holds each secondary
     * for about 120 ms whatever this machine's speed): once the first frame has measured the edge servers,
     * frames whose predicted finish (behind the frames admitted before them) is past their deadline are shed at
     * the split: no edge server computes or receives anything of them; every frame ends once, and every
     * computed one is exact.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void underAutoAFramePredictedLateIsShedBeforeAnyStageSeesIt() throws Exception {
        JobOptions o = options("auto", "auto-shed");
        o.deadlineMs = 600;
        o.faultDeviceMsPerRow = 1;
        o.rescueMarginMs = 0;
        o.validate();
        int frames = 30;
        int size = SIZE;
        Frames made = Frames.synthetic(0, frames - 1, size);
        List<java.util.function.Supplier<byte[]>> records = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            int seq = i;
            // capture time when sent: the burst after the warm-up frame shares one instant
            records.add(() -> FrameCodec.encode(CameraSimulator.synthetic("cam-0", seq, System.currentTimeMillis(),
                    size, size, seq)));
        }
        Run r = run(o, records, frames, 0, 0, true);
        Map<Long, Long> perFrame = new java.util.TreeMap<>();
        r.results.forEach(res -> perFrame.merge(res.sequence, 1L, Long::sum));
        assertEquals(frames, perFrame.size(), "every frame ends in a record: " + perFrame.keySet());
        assertTrue(perFrame.values().stream().allMatch(n -> n == 1), "none twice: " + perFrame);
        List<ResultRecord> shed = r.results.stream().filter(res -> res.error != null
                && res.error.startsWith("shed: predicted late")).toList();
        assertFalse(shed.isEmpty(), "the burst's last frames are predicted late: " + r.results.stream()
                .map(res -> res.sequence + " " + res.status + " " + res.error).toList());
        for (ResultRecord res : shed) {
            // late by the prediction, give or take the recent prediction error (which the reason states)
            assertTrue(res.predictedFinishMillis > 0 && res.error.contains("give or take the recent error"), Json.write(res));
            res.es.forEach((es, rep) -> assertTrue(rep.rowsComputed == 0 && rep.bytesIn == 0 && rep.computeMs == 0,
                    "no stage saw shed frame " + res.sequence + ": " + es + " " + Json.write(rep)));
        }
        for (ResultRecord res : r.results) {
            if (res.scoresSha256 != null) {
                assertEquals(made.expected().get(res.sequence), res.scoresSha256, "frame " + res.sequence);
            }
        }
        assertTrue(r.results.stream().anyMatch(ResultRecord::met), "frames that fit are admitted and met");
    }

    /**
     * --scheme auto on edge devices that compute 0.5 ms per row (emulated: HALP on both secondaries is then
     * about twice as fast as one secondary or the host alone), with secondary 0's link at 0.3 Mbit/s for frames
     * 3 to 13: once its speed reports show it, frames are planned without it; a probe frame (every 5th)
     * measures it again, and after the link recovers it is put back. Every result equals whole-frame inference.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void underAutoASlowLinkSecondaryIsLeftOutAndPutBackOnceFast() throws Exception {
        JobOptions o = options("auto", "auto-link");
        o.faultDeviceMsPerRow = 0.5;
        o.faultLinkSecondary = 0;
        o.faultLinkMbps = 0.3;
        o.faultLinkFromFrame = 3;
        o.faultLinkUntilFrame = 14;
        o.probeEvery = 5;
        o.rescueMarginMs = 0;
        o.deadlineClock = "ingest";
        o.validate();
        int frames = 24;
        Frames made = Frames.synthetic(1, frames);
        // the first frame alone: the job is up, and its speed reports are in, before the others come
        List<ResultRecord> results = run(o, made.records().stream().map(b -> (java.util.function.Supplier<byte[]>) () -> b)
                .toList(), frames, 0, 400, true).results;
        assertEquals(frames, results.size());
        results.sort(java.util.Comparator.comparingLong(r -> r.sequence));
        for (ResultRecord r : results) {
            assertEquals(made.expected().get(r.sequence), r.scoresSha256, "frame " + r.sequence + " differs from whole-frame inference");
        }
        String plans = results.stream().map(r -> r.sequence + ": " + ResultsWatcher.planOf(r)
                + " (" + (r.completionMillis - r.predictedFinishMillis) + " ms off)").toList().toString();
        System.out.println("plans chosen: " + plans);
        // the stages' fault delays hold their threads: the frames sent before the first reports queue behind frame 3
        assertTrue(results.stream().filter(r -> r.sequence >= 8 && r.sequence < 14 && r.sequence % 5 != 0)
                .allMatch(r -> r.es.get("secondary_0").rowsComputed == 0), "left out while its link is slow: " + plans);
        assertTrue(results.stream().filter(r -> r.sequence > 16 && r.sequence % 5 != 0)
                .anyMatch(r -> r.es.get("secondary_0").rowsComputed > 0), "put back once fast: " + plans);
    }

    record Run(List<ResultRecord> results, List<DeadLetter> deadLetters) { }

    private static Run run(JobOptions o, List<byte[]> records, int results, int deadLetters) throws Exception {
        return run(o, records, results, deadLetters, 0);
    }

    private static Run run(JobOptions o, List<byte[]> records, int results, int deadLetters, long spacingMs)
            throws Exception {
        return run(o, records.stream().map(b -> (java.util.function.Supplier<byte[]>) () -> b).toList(), results,
                deadLetters, spacingMs, false);
    }

    /**
     * {@code records} are made when sent (frames capture their time then); {@code warmFirst}: send the first
     * alone and wait for its result before the others, so they meet a running job.
     */
    private static Run run(JobOptions o, List<java.util.function.Supplier<byte[]>> records, int results,
                           int deadLetters, long spacingMs, boolean warmFirst) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingJob.configure(env, o);
        StreamingJob.attachKafka(env, o);
        JobClient job = env.executeAsync("it " + o.scheme);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + o.groupId,
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(o.resultsTopic, o.deadLetterTopic));
            List<ResultRecord> res = new ArrayList<>();
            List<DeadLetter> dead = new ArrayList<>();
            long until = System.currentTimeMillis() + 180_000;
            int sent = 0;
            if (warmFirst) {
                producer.send(new ProducerRecord<>(o.framesTopic, records.get(sent++).get())).get();
                while (res.isEmpty() && System.currentTimeMillis() < until) {
                    failFast(job);
                    consumer.poll(Duration.ofMillis(200)).forEach(c -> res.add(Json.read(c.value(), ResultRecord.class)));
                }
            }
            for (java.util.function.Supplier<byte[]> r : records.subList(sent, records.size())) {
                producer.send(new ProducerRecord<>(o.framesTopic, r.get())).get();
                Thread.sleep(spacingMs);
            }
            while ((res.size() < results || dead.size() < deadLetters) && System.currentTimeMillis() < until) {
                failFast(job);
                for (ConsumerRecord<String, String> c : consumer.poll(Duration.ofMillis(200))) {
                    if (c.topic().equals(o.resultsTopic)) {
                        res.add(Json.read(c.value(), ResultRecord.class));
                    } else {
                        dead.add(Json.read(c.value(), DeadLetter.class));
                    }
                }
            }
            return new Run(res, dead);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    /** A job that failed ends the test at once, with its own failure as the cause (not a timeout later). */
    static void failFast(JobClient job) throws Exception {
        if (job.getJobStatus().get() == org.apache.flink.api.common.JobStatus.FAILED) {
            try {
                job.getJobExecutionResult().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("the job failed", e.getCause());
            }
            throw new AssertionError("the job failed");
        }
    }
}
