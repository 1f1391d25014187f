package dev.halp.kafka.flink;

import dev.halp.kafka.record.DeadLetter;
import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.FrameFormatException;
import dev.halp.kafka.record.FrameLimits;
import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.IncomingFrame;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka value bytes to frames. Never throws: a record that cannot be decoded (truncated, inconsistent
 * header, too large, unknown format, undecodable JPEG/PNG, wrong version) becomes a dead letter carrying the
 * reason, the original bytes and its topic, partition and offset. Compressed frames are decoded to RGB8 here,
 * so a bad image is caught at the source.
 */
public final class FrameDeserializationSchema implements KafkaRecordDeserializationSchema<IncomingFrame> {

    private final FrameLimits limits;

    public FrameDeserializationSchema(FrameLimits limits) {
        this.limits = limits;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IncomingFrame> out) {
        out.collect(decode(record.value(), record.topic(), record.partition(), record.offset(), record.timestamp(),
                limits));
    }

    /** The same decision outside Kafka (tests, replays). */
    public static IncomingFrame decode(byte[] value, String topic, int partition, long offset, long timestamp,
                                       FrameLimits limits) {
        try {
            return IncomingFrame.of(FramePixels.toRaw(FrameCodec.decode(value, limits)));
        } catch (FrameFormatException e) {
            return IncomingFrame.dead(new DeadLetter(e.getMessage(), topic, partition, offset, timestamp, value));
        }
    }

    @Override
    public TypeInformation<IncomingFrame> getProducedType() {
        return TypeInformation.of(IncomingFrame.class);
    }
}
