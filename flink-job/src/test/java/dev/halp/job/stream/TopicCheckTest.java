package dev.halp.job.stream;

import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real broker that does not create topics on first use (as {@code bin/halp broker} runs it). */
class TopicCheckTest {

    private static JobOptions options(String bootstrap, String... more) {
        JobOptions o = new JobOptions();
        String[] args = new String[more.length + 2];
        args[0] = "--bootstrap";
        args[1] = bootstrap;
        System.arraycopy(more, 0, args, 2, more.length);
        new CommandLine(o).parseArgs(args);
        return o.validate();
    }

    @Test
    void aMissingTopicFailsBeforeSubmissionNamingItsOptionAndEveryTopicThereIsFine() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.forTests().start()) {
            broker.createTopics(1, "frames", "results", "dead-letters", "camera-stats");
            assertDoesNotThrow(() -> TopicCheck.check(options(broker.bootstrapServers())));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TopicCheck.check(options(broker.bootstrapServers(), "--results-topic", "results2")));
            assertTrue(e.getMessage().startsWith("--results-topic: topic 'results2' does not exist"), e.getMessage());
            // the feedback topic is needed only when the job measures the edge servers
            e = assertThrows(IllegalArgumentException.class,
                    () -> TopicCheck.check(options(broker.bootstrapServers(), "--adaptive")));
            assertTrue(e.getMessage().startsWith("--feedback-topic: "), e.getMessage());
            assertDoesNotThrow(() -> TopicCheck.check(options(broker.bootstrapServers(), "--stats-window-s", "0",
                    "--camera-stats-topic", "not-there")));
        }
    }
}
