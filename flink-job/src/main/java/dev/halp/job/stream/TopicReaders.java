package dev.halp.job.stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.List;
import java.util.Map;

/** The readers of the job's JSON topics that the command line runs beside it (run, view). */
public final class TopicReaders {

    private TopicReaders() {
    }

    /**
     * A consumer of {@code topics} as text that sees only committed records (the job's sinks may be
     * transactional), in a group of its own named after {@code purpose}, from {@code offsetReset}
     * ({@code earliest} or {@code latest}); commits nothing.
     */
    public static KafkaConsumer<String, String> readCommitted(String bootstrap, String purpose, String offsetReset,
                                                              List<String> topics) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, purpose + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
        c.subscribe(topics);
        return c;
    }
}
