package dev.halp.job.cluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Flink process's configuration directory ({@code config.yaml}, {@code log4j.properties}) and the JVM
 * memory flags and dynamic properties that Flink's {@code bin/config.sh} would derive (the same
 * {@code *ProcessUtils} calls as {@code BashJavaUtils}): TaskManagerRunner refuses to start without them.
 */
public final class FlinkNodeConfig {

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Path confDir;

    private FlinkNodeConfig(Path confDir, String jobManagerAddress, int rpcPort) {
        this.confDir = confDir;
        settings.put("jobmanager.rpc.address", jobManagerAddress);
        settings.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        // DJL binds its JNI library to one classloader: load it from the TaskManager classpath, never the job jar
        settings.put("classloader.parent-first-patterns.additional", "ai.djl.");
        // edge servers on one LAN: notice a dead TaskManager in seconds, not the default 50 s
        settings.put("heartbeat.interval", "2000");
        settings.put("heartbeat.timeout", "10000");
        // every job ships the 137 MB job jar to every TaskManager's blob cache, kept for an hour by default after
        // the job ends: a speedup bench runs a dozen jobs (each TaskManager held 20 GB of old jars after a day's
        // benches, and the disk filled). Two minutes still covers a restart of a failed job.
        settings.put("blob.service.cleanup.interval", "120");
    }

    static FlinkNodeConfig jobManager(Path confDir, String address, int rpcPort, int restPort, Path uploads) {
        FlinkNodeConfig c = new FlinkNodeConfig(confDir, address, rpcPort);
        c.settings.put("jobmanager.bind-host", address);
        c.settings.put("jobmanager.memory.process.size", "1024m");
        c.settings.put("rest.address", address);
        c.settings.put("rest.bind-address", address);
        c.settings.put("rest.port", Integer.toString(restPort));
        c.settings.put("web.upload.dir", uploads.toString());
        c.settings.put("web.submit.enable", "true");
        c.settings.put("web.cancel.enable", "true");
        return c;
    }

    /** Network buffer size of the TaskManagers (also the embedded run's). */
    public static final String NETWORK_SEGMENT = "256kb";

    static FlinkNodeConfig taskManager(Path confDir, String jobManagerAddress, int rpcPort, String name, String address,
                                       int slots, String memory, Path tmp) {
        FlinkNodeConfig c = new FlinkNodeConfig(confDir, jobManagerAddress, rpcPort);
        c.settings.put("taskmanager.resource-id", name);
        c.settings.put("taskmanager.host", address);
        c.settings.put("taskmanager.bind-host", address);
        c.settings.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.settings.put("taskmanager.memory.process.size", memory);
        // no managed-memory state backend here; heap and direct memory need room for seeded weights on their
        // way into PyTorch (VGG-16's fc6 alone is 411 MB as a float[] and again as a direct buffer)
        c.settings.put("taskmanager.memory.managed.size", "64m");
        c.settings.put("taskmanager.memory.task.off-heap.size", "768m");
        c.settings.put("io.tmp.dirs", tmp.toString());
        // rows messages are hundreds of kB to MBs: 256 kB network buffers move them with 8x fewer hand-offs than the
        // default 32 kB (bench hops on loopback: 13.5 -> 8.4 ms per MB)
        c.settings.put("taskmanager.memory.segment-size", NETWORK_SEGMENT);
        // labels for jobs submitted with --slot-labels: one edge server per TaskManager, extra merges on the host's
        boolean host = slots > 1;
        c.settings.put("external-resources", host ? "halp-edge;halp-host" : "halp-edge");
        c.settings.put("external-resource.halp-edge.amount", "1");
        if (host) {
            c.settings.put("external-resource.halp-host.amount", Integer.toString(slots - 1));
        }
        return c;
    }

    /**
     * Checkpoints and savepoints as files under {@code stateDir} (every process of this cluster shares the
     * disk): an exactly-once job survives a lost TaskManager either way, and with files also a restart
     * from its last retained checkpoint.
     */
    FlinkNodeConfig withStateDir(Path stateDir) {
        settings.put("execution.checkpointing.storage", "filesystem");
        settings.put("execution.checkpointing.dir", stateDir.resolve("checkpoints").toUri().toString());
        settings.put("execution.checkpointing.savepoint-dir", stateDir.resolve("savepoints").toUri().toString());
        return this;
    }

    /** Writes config.yaml (flat keys) and the log4j configuration. */
    FlinkNodeConfig write() throws IOException {
        Files.createDirectories(confDir);
        StringBuilder yaml = new StringBuilder("# written by bin/halp cluster start\n");
        settings.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        try (InputStream log4j = FlinkNodeConfig.class.getResourceAsStream("/cluster/log4j.properties")) {
            Files.copy(log4j, confDir.resolve("log4j.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return this;
    }

    Path confDir() {
        return confDir;
    }

    /** The JobManager's memory flags and dynamic properties, as config.sh derives them. */
    MemoryArgs jobManagerMemory() {
        Configuration conf = Configuration.fromMap(settings);
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
        return new MemoryArgs(JobManagerProcessUtils.generateJvmParametersStr(spec, conf),
                JobManagerProcessUtils.generateDynamicConfigsStr(spec));
    }

    MemoryArgs taskManagerMemory() {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(Configuration.fromMap(settings));
        return new MemoryArgs(ProcessMemoryUtils.generateJvmParametersStr(spec),
                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
    }

    /** JVM flags (before the main class) and dynamic {@code -D key=value} properties (after {@code --configDir}). */
    record MemoryArgs(List<String> jvm, List<String> dynamic) {
        MemoryArgs(String jvm, String dynamic) {
            // config.sh hands these to a shell, which drops the quotes around list values; no shell here
            this(Arrays.asList(jvm.trim().split("\\s+")), Arrays.stream(dynamic.trim().split("\\s+"))
                    .map(t -> t.replaceFirst("=\"(.*)\"$", "=$1")).toList());
        }
    }
}
