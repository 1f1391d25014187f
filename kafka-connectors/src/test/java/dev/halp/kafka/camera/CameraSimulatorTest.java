package dev.halp.kafka.camera;

import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.FrameLimits;
import dev.halp.kafka.record.FrameRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The camera simulator against a real (embedded KRaft) broker: what it counts is what reached Kafka. */
class CameraSimulatorTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.forTests().start();
        broker.createTopics(1, "sizes", "huge");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static List<FrameRecord> read(String topic, int expected) {
        List<FrameRecord> frames = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long until = System.currentTimeMillis() + 30_000;
            while (frames.size() < expected && System.currentTimeMillis() < until) {
                c.poll(Duration.ofMillis(200)).forEach(r -> frames.add(FrameCodec.decode(r.value(), FrameLimits.DEFAULT)));
            }
        }
        return frames;
    }

    @Test
    void framesChangeSizeEveryFewFramesAndLargeFramesAreAccepted() throws Exception {
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(broker.bootstrapServers()).setTopic("sizes")
                .optFps(200).optSize(600, 600).optSizeCycle(3, 2).build()) {
            assertEquals(8, sim.run(8, n -> { }));
            assertEquals(0, sim.failed());
        }
        // 600x600 RGB is 1.08 MB, above Kafka's default 1 MB limit
        List<Integer> widths = read("sizes", 8).stream().map(f -> f.width).toList();
        assertEquals(List.of(600, 600, 608, 608, 616, 616, 600, 600), widths);
    }

    @Test
    void aFrameTheBrokerRefusesIsReportedAndNotCounted() throws Exception {
        // 3400x3400 RGB: 34.7 MB, above the 32 MB the broker takes
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(broker.bootstrapServers()).setTopic("huge")
                .optFps(200).optSize(3400, 3400).build()) {
            List<Long> counts = new ArrayList<>();
            assertEquals(0, sim.run(1, counts::add));
            assertEquals(1, sim.failed());
            assertEquals(List.of(), counts);
        }
    }
}
