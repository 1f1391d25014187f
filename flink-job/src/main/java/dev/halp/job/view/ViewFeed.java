package dev.halp.job.view;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.List;

/**
 * Reads the job's results (and misses) and camera-stats topics into a {@link FrameStore}, read_committed, on a
 * thread of its own; {@link #close()} stops it. A record that is not what the topic should hold is skipped.
 */
final class ViewFeed implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final String resultsTopic;
    private final Thread thread;
    private volatile boolean running = true;

    ViewFeed(String bootstrap, String resultsTopic, String statsTopic, String startFrom, FrameStore store) {
        this.resultsTopic = resultsTopic;
        consumer = dev.halp.job.stream.TopicReaders.readCommitted(bootstrap, "halp-view", startFrom,
                List.of(resultsTopic, statsTopic));
        thread = new Thread(() -> read(store), "halp-view-feed");
        thread.setDaemon(true);
    }

    ViewFeed start() {
        thread.start();
        return this;
    }

    private void read(FrameStore store) {
        try {
            while (running) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (dev.halp.job.stream.EmbeddedRun.WARM_UP_CAMERA.equals(rec.key())) {
                            continue; // bin/halp run's uncounted warm-up frames
                        }
                        if (rec.topic().equals(resultsTopic)) {
                            store.add(Json.read(rec.value(), ResultRecord.class));
                        } else {
                            store.add(Json.read(rec.value(), CameraStats.class));
                        }
                    } catch (RuntimeException notOurs) {
                        // not a result or statistics record: nothing to show
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() asked
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
