package dev.halp.job.cluster;

import java.nio.file.Path;
import java.util.Map;

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
 * @param cpuQuota       cores of CPU quota per TaskManager name ({@link CpuQuotas}); TaskManagers not named run
 *                       unlimited, and so do the JobManager and the broker
 */
public record ClusterSpec(Path dir, int secondaries, int hostSlots, int restPort, int kafkaPort, boolean netns,
                          int bandwidthMbps, double delayMs, boolean pinCpus, String taskManagerMemory,
                          String classpath, Map<String, Double> cpuQuota) {

    /** A cluster without CPU quotas. */
    public ClusterSpec(Path dir, int secondaries, int hostSlots, int restPort, int kafkaPort, boolean netns,
                       int bandwidthMbps, double delayMs, boolean pinCpus, String taskManagerMemory, String classpath) {
        this(dir, secondaries, hostSlots, restPort, kafkaPort, netns, bandwidthMbps, delayMs, pinCpus,
                taskManagerMemory, classpath, Map.of());
    }

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
        cpuQuota = Map.copyOf(cpuQuota);
        int cores = Runtime.getRuntime().availableProcessors();
        java.util.List<String> names = names(secondaries);
        for (Map.Entry<String, Double> q : cpuQuota.entrySet()) {
            require(names.contains(q.getKey()), "--cpu-quota", "no TaskManager '" + q.getKey()
                    + "' (TaskManagers: " + String.join(", ", names) + ")");
            require(q.getValue() >= 0.01 && q.getValue() <= cores, "--cpu-quota", q.getKey() + "=" + q.getValue()
                    + ": a quota is between 0.01 and " + cores + " cores");
        }
    }

    /**
     * Parses {@code --cpu-quota}: one number for every TaskManager ({@code 0.5}) or {@code name=cores} pairs
     * ({@code host=0.5,es0=0.5,es1=0.25}).
     */
    public static Map<String, Double> parseCpuQuota(String text, int secondaries) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        try {
            if (!text.contains("=")) {
                double cores = Double.parseDouble(text.trim());
                out.put("host", cores);
                for (int i = 0; i < secondaries; i++) {
                    out.put("es" + i, cores);
                }
                return out;
            }
            for (String pair : text.split(",")) {
                String[] kv = pair.split("=", 2);
                require(kv.length == 2, "--cpu-quota", "expected name=cores, got '" + pair + "'");
                out.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--cpu-quota: not a number of cores in '" + text + "'");
        }
    }

    /** Names of the TaskManagers, host first: their {@code taskmanager.resource-id}. */
    public java.util.List<String> taskManagers() {
        return names(secondaries);
    }

    private static java.util.List<String> names(int secondaries) {
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
