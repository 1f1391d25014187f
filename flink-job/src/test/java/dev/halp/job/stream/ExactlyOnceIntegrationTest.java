package dev.halp.job.stream;

import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code --exactly-once}, a job cancelled mid-stream (as if killed) and started again from its last
 * checkpoint leaves exactly one committed result per frame, as a {@code read_committed} consumer sees it.
 * The source also commits its offsets to the consumer group on every checkpoint, so that test alone cannot
 * tell a restore from the checkpoint apart from a restart at the committed offsets; the second test can: the
 * frames it counts on are held only in the split's state (a batch waiting to fill), behind the committed
 * offsets, when the job is killed.
 */
class ExactlyOnceIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(3).setNumberSlotsPerTaskManager(1).setConfiguration(noRestarts()).build());

    private static Configuration noRestarts() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return c;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aRestoredJobCommitsExactlyOneResultPerFrame(@TempDir Path checkpoints) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.forTests().start()) {
            JobOptions o = new JobOptions();
            new picocli.CommandLine(o).parseArgs("--model", "tiny", "--scheme", "halp", "--secondaries", "2",
                    "--deadline-ms", "120000", "--warmup-size", "64x64", "--bootstrap", broker.bootstrapServers(),
                    "--exactly-once", "--checkpoint-interval-ms", "300", "--group-id", "eo",
                    // a transaction the killed job left open would hold the reader back this long at most
                    "--transaction-timeout-ms", "15000");
            o.validate();
            broker.createTopics(1, o.topics());
            try (KafkaProducer<byte[], byte[]> producer = producer(o);
                 KafkaConsumer<String, String> committed = committedResults(o, "eo-reader")) {
                Map<String, Integer> seen = new HashMap<>();
                publish(producer, o, 0, 20);

                JobClient first = start(o, checkpoints, null);
                try {
                    await(committed, seen, 5);
                    awaitCheckpoint(checkpoints.resolve(first.getJobID().toString()));
                } finally {
                    first.cancel().get();   // the kill: results after the last checkpoint were never committed
                }
                // chosen after the kill: a checkpoint picked before it may be subsumed and deleted meanwhile
                Path checkpoint = awaitCheckpoint(checkpoints.resolve(first.getJobID().toString()));

                publish(producer, o, 20, 40);
                JobClient second = start(o, checkpoints, checkpoint);
                try {
                    await(committed, seen, 40);
                } finally {
                    second.cancel().get();
                }
                drain(committed, seen, Duration.ofSeconds(2));

                assertEquals(40, seen.size(), "every frame has a committed result: " + seen.keySet());
                seen.forEach((frame, n) -> assertEquals(1, n, frame + " committed " + n + " times"));
            }
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void framesHeldOnlyInStateWhenTheJobDiesEndFromTheRestoredState(@TempDir Path checkpoints) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.forTests().start()) {
            JobOptions o = new JobOptions();
            // a batch of 4 that waits up to 15 s: two frames sit in the split's state, their offsets committed
            new picocli.CommandLine(o).parseArgs("--model", "tiny", "--scheme", "halp", "--secondaries", "2",
                    "--deadline-ms", "120000", "--warmup-size", "64x64", "--bootstrap", broker.bootstrapServers(),
                    "--exactly-once", "--checkpoint-interval-ms", "300", "--group-id", "held",
                    "--batch-size", "4", "--batch-linger-ms", "15000", "--transaction-timeout-ms", "15000");
            o.validate();
            broker.createTopics(1, o.topics());
            try (KafkaProducer<byte[], byte[]> producer = producer(o);
                 KafkaConsumer<String, String> committed = committedResults(o, "held-reader");
                 org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                         org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap))) {
                publish(producer, o, 0, 2);
                JobClient first = start(o, checkpoints, null);
                long committedOffset;
                try {
                    committedOffset = awaitCommittedOffset(admin, o, 2);
                } finally {
                    first.cancel().get();
                }
                Map<String, Integer> seen = new HashMap<>();
                drain(committed, seen, Duration.ofSeconds(1));
                assertEquals(Map.of(), seen, "the batch had not left when the job died");
                assertEquals(2, committedOffset, "both frames are behind the committed offsets: only state has them");

                Path checkpoint = awaitCheckpoint(checkpoints.resolve(first.getJobID().toString()));
                JobClient second = start(o, checkpoints, checkpoint);
                try {
                    await(committed, seen, 2);
                } finally {
                    second.cancel().get();
                }
                assertEquals(Map.of("cam#0", 1, "cam#1", 1), seen);
            }
        }
    }

    /** Waits until the job's consumer group has committed {@code offset} on the frames topic (a checkpoint did). */
    private static long awaitCommittedOffset(org.apache.kafka.clients.admin.Admin admin, JobOptions o, long offset)
            throws Exception {
        long until = System.currentTimeMillis() + 120_000;
        long seen = -1;
        while (System.currentTimeMillis() < until) {
            var offsets = admin.listConsumerGroupOffsets(o.groupId).partitionsToOffsetAndMetadata().get();
            var tp = new org.apache.kafka.common.TopicPartition(o.framesTopic, 0);
            seen = offsets.containsKey(tp) && offsets.get(tp) != null ? offsets.get(tp).offset() : -1;
            if (seen >= offset) {
                return seen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job never committed offset " + offset + " (last " + seen + ")");
    }

    private static KafkaProducer<byte[], byte[]> producer(JobOptions o) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A {@code read_committed} reader of the results topic: what a downstream consumer sees. */
    private static KafkaConsumer<String, String> committedResults(JobOptions o, String group) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(o.resultsTopic));
        return c;
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, JobOptions o, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(o.framesTopic, FrameCodec.encode(CameraSimulator.synthetic(
                    "cam", i, System.currentTimeMillis(), 64, 64, i)))).get();
        }
    }

    private static JobClient start(JobOptions o, Path checkpoints, Path restoreFrom) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamingJob.configure(env, o);
        StreamingJob.attachKafka(env, o);
        return env.executeAsync("exactly-once " + (restoreFrom == null ? "first" : "restored"));
    }

    private static void await(KafkaConsumer<String, String> c, Map<String, Integer> seen, int frames) {
        long until = System.currentTimeMillis() + 180_000;
        while (seen.size() < frames && System.currentTimeMillis() < until) {
            drain(c, seen, Duration.ofMillis(200));
        }
        assertTrue(seen.size() >= frames, "only " + seen.size() + " committed results");
    }

    private static void drain(KafkaConsumer<String, String> c, Map<String, Integer> seen, Duration d) {
        for (ConsumerRecord<String, String> r : c.poll(d)) {
            ResultRecord result = Json.read(r.value(), ResultRecord.class);
            seen.merge(result.cameraId + "#" + result.sequence, 1, Integer::sum);
        }
    }

    /** The newest completed checkpoint of a job (a chk-N directory with its _metadata). */
    private static Path awaitCheckpoint(Path jobDir) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            Optional<Path> newest = newest(jobDir);
            if (newest.isPresent()) {
                return newest.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no completed checkpoint in " + jobDir);
    }

    private static Optional<Path> newest(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jobDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))));
        }
    }
}
