package dev.halp.job.stream;

import dev.halp.kafka.flink.KafkaConnectors;
import dev.halp.kafka.record.IncomingFrame;
import dev.halp.kafka.record.Observation;
import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** The job with its real Kafka source and sinks, and the environment settings the frame path needs. */
public final class StreamingJob {

    private StreamingJob() {
    }

    /** Buffer timeout about 1 ms (the 100 ms default costs 100-230 ms per frame), watermarks every 10 ms. */
    public static void configure(StreamExecutionEnvironment env, JobOptions o) {
        env.setBufferTimeout(o.bufferTimeoutMs);
        // every record type has a Flink serializer of its own: a Kryo fallback on the hot path fails the job at
        // submission instead of slowing it down
        org.apache.flink.configuration.Configuration types = new org.apache.flink.configuration.Configuration();
        types.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        env.configure(types);
        env.getConfig().setAutoWatermarkInterval(10);
        if (o.exactlyOnce) {
            env.enableCheckpointing(o.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        }
    }

    public static void attachKafka(StreamExecutionEnvironment env, JobOptions o) {
        DeliveryGuarantee guarantee = o.exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
        WatermarkStrategy<IncomingFrame> watermarks = KafkaConnectors.captureTime(
                Duration.ofMillis(o.outOfOrdernessMs), Duration.ofSeconds(5));
        var frames = env
                .fromSource(KafkaConnectors.frameSource(o.bootstrap, o.framesTopic, o.groupId, o.frameLimits(),
                                o.startFrom),
                        watermarks, "frames")
                .uid("frame-source").setParallelism(1);
        new Placement(o.slotLabels).edge(frames);
        Placement place = new Placement(o.slotLabels);
        // the job reads its own results back to learn which secondaries stopped answering (rescued frames),
        // and how far off the predicted finishes of met frames were (admission control, --scheme auto)
        SingleOutputStreamOperator<ResultRecord> results = null;
        if ((o.rescueMargin() > 0 || o.adaptive) && !o.scheme.equals("local") || o.needsSpeedReports()) {
            results = env.fromSource(KafkaConnectors.resultSource(o.bootstrap, o.resultsTopic, o.groupId + "-health"),
                    WatermarkStrategy.<ResultRecord>forBoundedOutOfOrderness(Duration.ZERO)
                            .withTimestampAssigner((r, ts) -> r.completionMillis).withIdleness(Duration.ofSeconds(1)),
                    "results (feedback)").uid("feedback-source").setParallelism(1);
            place.edge(results);
        }
        // and the edge servers' own measurements of their speed (published the moment they know)
        SingleOutputStreamOperator<Observation> observations = null;
        if (o.needsSpeedReports()) {
            observations = env.fromSource(KafkaConnectors.observationSource(o.bootstrap, o.feedbackTopic, o.groupId + "-speed",
                            // from when the job was built: measurements made before its source started count
                            System.currentTimeMillis()),
                    WatermarkStrategy.<Observation>forBoundedOutOfOrderness(Duration.ZERO)
                            .withTimestampAssigner((r, ts) -> r.atMillis).withIdleness(Duration.ofSeconds(1)),
                    "observations (feedback)").uid("observation-source").setParallelism(1);
            place.edge(observations);
        }
        Feedback feedback = new Feedback(results, observations,
                observations == null ? null : KafkaConnectors.observationSink(o.bootstrap, o.feedbackTopic));
        HalpJob.build(frames, feedback,
                // transactional ids follow the output topic, so a restored job finishes its predecessor's
                KafkaConnectors.resultSink(o.bootstrap, o.resultsTopic, guarantee, "halp-" + o.resultsTopic,
                        Duration.ofMillis(o.transactionTimeoutMs)),
                KafkaConnectors.deadLetterSink(o.bootstrap, o.deadLetterTopic, guarantee, "halp-" + o.resultsTopic,
                        Duration.ofMillis(o.transactionTimeoutMs)),
                KafkaConnectors.cameraStatsSink(o.bootstrap, o.cameraStatsTopic, guarantee, "halp-" + o.resultsTopic,
                        Duration.ofMillis(o.transactionTimeoutMs)), o);
    }
}
