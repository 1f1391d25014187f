package dev.halp.job.cluster;

import java.nio.file.Path;

/**
 * What {@code bin/halp cluster start} starts: a JobManager with the dashboard, a Kafka broker, one host
 * TaskManager and {@code secondaries} secondary TaskManagers, each its own JVM.
 *
 * @param dir            working directory: configuration, logs, pids ({@code cluster.json})
 * @param secondaries    secondary TaskManagers (es0, es1, ...), one slot each
 * @param hostSlots      slots of the host TaskManager (1 + extra host parallelism)
 * @param restPort       REST and dashboard port, 0 picks a free one
 * @param kafkaPort      broker port, 0 picks a free one; -1 starts no broker
 * @param netns          one network namespace per TaskManager, shaped links (root, Linux)
 * @param bandwidthMbps  link rate of each TaskManager's link when {@code netns}
 * @param delayMs        one-way delay added per link direction when {@code netns} (needs netem)
 * @param pinCpus        pin TaskManager i to core i (modulo the core count) with taskset
 * @param taskManagerMemory Flink process size of a TaskManager (model weights live outside it, in PyTorch)
 * @param classpath      the launcher's classpath (Flink, DJL, Kafka and the project's classes)
 */
public record ClusterSpec(Path dir, int secondaries, int hostSlots, int restPort, int kafkaPort, boolean netns,
                          int bandwidthMbps, double delayMs, boolean pinCpus, String taskManagerMemory,
                          String classpath) {

    public ClusterSpec {
        require(secondaries >= 1 && secondaries <= 16, "--secondaries", "must be between 1 and 16, got " + secondaries);
        require(hostSlots >= 1 && hostSlots <= 16, "--host-slots", "must be between 1 and 16, got " + hostSlots);
        require(restPort >= 0 && restPort <= 65535, "--rest-port", "not a port: " + restPort);
        require(kafkaPort >= -1 && kafkaPort <= 65535, "--kafka-port", "not a port (or -1 for none): " + kafkaPort);
        require(bandwidthMbps >= 1, "--bandwidth-mbps", "must be at least 1, got " + bandwidthMbps);
        require(delayMs >= 0, "--delay-ms", "must not be negative, got " + delayMs);
        require(taskManagerMemory.matches("\\d+[mMgG]"), "--tm-memory", "expected a size like 1536m, got "
                + taskManagerMemory);
        require(classpath != null && !classpath.isBlank(), "classpath", "empty");
    }

    /** Names of the TaskManagers, host first: their {@code taskmanager.resource-id}. */
    public java.util.List<String> taskManagers() {
        java.util.List<String> names = new java.util.ArrayList<>();
        names.add("host");
        for (int i = 0; i < secondaries; i++) {
            names.add("es" + i);
        }
        return names;
    }

    private static void require(boolean ok, String option, String message) {
        if (!ok) {
            throw new IllegalArgumentException(option + ": " + message);
        }
    }
}
