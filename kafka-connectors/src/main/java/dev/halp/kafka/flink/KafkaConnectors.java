package dev.halp.kafka.flink;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.DeadLetter;
import dev.halp.kafka.record.FrameLimits;
import dev.halp.kafka.record.IncomingFrame;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.Observation;
import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Builders for the job's Kafka source and sinks. */
public final class KafkaConnectors {

    private KafkaConnectors() {
    }

    /**
     * Frames from {@code topic}, never failing on a bad record. {@code startFrom}: {@code committed} (the
     * group's committed offsets, else the earliest), {@code earliest} or {@code latest}.
     */
    public static KafkaSource<IncomingFrame> frameSource(String bootstrap, String topic, String groupId,
                                                         FrameLimits limits, String startFrom) {
        return KafkaSource.<IncomingFrame>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(switch (startFrom) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    case "committed" -> OffsetsInitializer.committedOffsets(
                            org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
                    default -> throw new IllegalArgumentException("unknown start '" + startFrom + "'");
                })
                .setDeserializer(new FrameDeserializationSchema(limits))
                .setProperty("partition.discovery.interval.ms", "10000")
                .build();
    }

    /**
     * The job's own results, read back as feedback (which edge servers answered): from the latest offset,
     * records that do not parse are skipped (they are not input; the dead-letter topic is for frames).
     */
    public static KafkaSource<ResultRecord> resultSource(String bootstrap, String topic, String groupId) {
        return jsonSource(bootstrap, topic, groupId, ResultRecord.class);
    }

    /**
     * The edge servers' observations, read back by the split, from those written at {@code sinceMillis} on
     * (the source may start after the job's first frames were measured: a warm-up frame's speeds count);
     * unparsable ones skipped.
     */
    public static KafkaSource<Observation> observationSource(String bootstrap, String topic, String groupId,
                                                             long sinceMillis) {
        return jsonSource(bootstrap, topic, groupId, Observation.class, OffsetsInitializer.timestamp(sinceMillis));
    }

    private static <T> KafkaSource<T> jsonSource(String bootstrap, String topic, String groupId, Class<T> type) {
        return jsonSource(bootstrap, topic, groupId, type, OffsetsInitializer.latest());
    }

    private static <T> KafkaSource<T> jsonSource(String bootstrap, String topic, String groupId, Class<T> type,
                                                 OffsetsInitializer from) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(from)
                .setDeserializer(new org.apache.flink.connector.kafka.source.reader.deserializer
                        .KafkaRecordDeserializationSchema<T>() {
                    @Override
                    public void deserialize(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
                                            org.apache.flink.util.Collector<T> out) {
                        try {
                            out.collect(Json.read(new String(record.value(), StandardCharsets.UTF_8), type));
                        } catch (RuntimeException e) {
                            // not one of ours: nothing to learn from it
                        }
                    }

                    @Override
                    public org.apache.flink.api.common.typeinfo.TypeInformation<T> getProducedType() {
                        return org.apache.flink.api.common.typeinfo.TypeInformation.of(type);
                    }
                })
                .build();
    }

    /**
     * Event time is the camera's capture time (dead letters keep the Kafka timestamp), with bounded
     * out-of-orderness and idleness so a silent partition does not hold the watermark back.
     */
    public static WatermarkStrategy<IncomingFrame> captureTime(Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<IncomingFrame>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((f, kafkaTs) -> f.isFrame() ? f.frame.captureMillis : kafkaTs)
                .withIdleness(idleness);
    }

    /**
     * Results as JSON, keyed by camera id. EXACTLY_ONCE needs checkpointing; {@code txPrefix} must be unique
     * per job on a broker (transactional ids of two jobs must not collide).
     */
    public static KafkaSink<ResultRecord> resultSink(String bootstrap, String topic, DeliveryGuarantee guarantee,
                                                     String txPrefix, Duration transactionTimeout) {
        return sink(bootstrap, guarantee, txPrefix + "-results", transactionTimeout, (ResultRecord r, KafkaRecordSerializationSchema.KafkaSinkContext c, Long ts) -> new ProducerRecord<>(topic,
                null, r.completionMillis, bytes(r.cameraId), bytes(Json.write(r))));
    }

    /**
     * Observations as JSON, at least once and outside checkpoints' transactions: they steer planning only,
     * and a read_committed reader would see them a checkpoint late.
     */
    public static KafkaSink<Observation> observationSink(String bootstrap, String topic) {
        return KafkaSink.<Observation>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer((Observation o, KafkaRecordSerializationSchema.KafkaSinkContext c, Long ts) ->
                        new ProducerRecord<>(topic, null, o.atMillis, bytes(o.participant), bytes(Json.write(o))))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty("linger.ms", "0")
                .build();
    }

    /** Per-camera window statistics as JSON, keyed by camera id, stamped with the window's end. */
    public static KafkaSink<CameraStats> cameraStatsSink(String bootstrap, String topic, DeliveryGuarantee guarantee,
                                                         String txPrefix, Duration transactionTimeout) {
        return sink(bootstrap, guarantee, txPrefix + "-camera-stats", transactionTimeout,
                (CameraStats s, KafkaRecordSerializationSchema.KafkaSinkContext c, Long ts) -> new ProducerRecord<>(topic,
                        null, s.windowEnd, bytes(s.cameraId), bytes(Json.write(s))));
    }

    /** Dead letters as JSON (the original bytes base64-encoded). */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic, DeliveryGuarantee guarantee,
                                                       String txPrefix, Duration transactionTimeout) {
        return sink(bootstrap, guarantee, txPrefix + "-dead-letters", transactionTimeout, (DeadLetter d, KafkaRecordSerializationSchema.KafkaSinkContext c, Long ts) -> new ProducerRecord<>(topic,
                null, null, null, bytes(Json.write(d))));
    }

    private static <T> KafkaSink<T> sink(String bootstrap, DeliveryGuarantee guarantee, String txPrefix,
                                         Duration transactionTimeout, KafkaRecordSerializationSchema<T> schema) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(txPrefix)
                // the sink's default (1 h) exceeds the broker's transaction.max.timeout.ms (15 min); a transaction a
                // killed job left open blocks read_committed readers until the broker aborts it after this long
                .setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()))
                // a dead letter carries the whole record it could not read: as large as the largest frame
                .setProperty("max.request.size", Integer.toString(
                        dev.halp.kafka.broker.EmbeddedKafkaBroker.MAX_RECORD_BYTES))
                .build();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
