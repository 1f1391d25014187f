package dev.halp.job.stream;

import dev.halp.kafka.record.Observation;
import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The loops through Kafka that let the split learn (DataStream has no feedback edges): the job's own results
 * read back (which secondaries went silent) and the secondaries' observations of their own speed, with the
 * sink that publishes them. Any part may be null.
 */
public record Feedback(DataStream<ResultRecord> results, DataStream<Observation> observations,
                       Sink<Observation> observationSink) {

    public static final Feedback NONE = new Feedback(null, null, null);
}
