package dev.halp.job.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts one detached cluster JVM with its log file, and reads the end of a log. */
final class ProcessLauncher {

    private final Path dir;
    private final String classpath;
    private final List<String> moduleFlags;

    ProcessLauncher(Path dir, String classpath, List<String> moduleFlags) {
        this.dir = dir;
        this.classpath = classpath;
        this.moduleFlags = moduleFlags;
    }

    record Launched(ClusterState.Node node, Process process, Path log) {
    }

    /** A Flink entry point with the memory flags config.sh would give it. */
    Launched flink(String name, String address, List<String> prefix, String mainClass, FlinkNodeConfig conf,
                   FlinkNodeConfig.MemoryArgs memory) throws IOException {
        Path logFile = dir.resolve("logs").resolve(name + ".log");
        List<String> cmd = new ArrayList<>(memory.jvm());
        cmd.add("-Dlog.file=" + logFile);
        // garbage collections with their pauses, beside the log: what a slow frame on a small server often is
        cmd.add("-Xlog:gc:file=" + dir.resolve("logs").resolve(name + "-gc.log") + ":uptime,tags");
        cmd.add("-Dlog4j.configurationFile=file:" + conf.confDir().resolve("log4j.properties"));
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-DOPT_OUT_TRACKING=true");
        cmd.add("-Dai.djl.default_engine=PyTorch");
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        if (mainClass.endsWith("TaskManagerRunner")) {
            // the TaskManagers' own JVM flags (garbage collector, heap regions), as env.java.opts.taskmanager
            // would give them on a Flink distribution
            cmd.addAll(taskManagerJavaOptions());
        }
        cmd.add("-cp");
        cmd.add(LocalCluster.flinkClasspath(classpath));
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(conf.confDir().toString());
        cmd.addAll(memory.dynamic());
        return launch(name, address, prefix, cmd, dir.resolve("logs").resolve(name + ".out"));
    }

    /** {@code HALP_TM_JAVA_OPTS}, split at white space: extra JVM flags for every TaskManager. */
    static List<String> taskManagerJavaOptions() {
        String opts = System.getenv().getOrDefault("HALP_TM_JAVA_OPTS", "").strip();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    /** The project's own Kafka broker command ({@code halp broker}) in a JVM of its own. */
    Launched broker(String name, String address, int port, Path data, List<String> prefix) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("-Xmx1g", "-cp", classpath, "dev.halp.job.cli.Halp", "broker",
                "--host", address, "--port", Integer.toString(port), "--data", data.toString()));
        return launch(name, address, prefix, cmd, dir.resolve("logs").resolve(name + ".out"));
    }

    /** The live view ({@code halp view}) on {@code port}, reading the cluster's broker. */
    Launched view(String name, String bootstrap, int port) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("-Xmx512m", "-cp", classpath, "dev.halp.job.cli.Halp", "view",
                "--bootstrap", bootstrap, "--port", Integer.toString(port)));
        return launch(name, "127.0.0.1", List.of(), cmd, dir.resolve("logs").resolve(name + ".out"));
    }

    private Launched launch(String name, String address, List<String> prefix, List<String> javaArgs, Path out)
            throws IOException {
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dhalp.node=" + name);
        cmd.addAll(moduleFlags);
        cmd.addAll(javaArgs);
        Process p = start(cmd, out);
        // setsid, ip netns exec and taskset all exec their command: the PID is the JVM's
        return new Launched(new ClusterState.Node(name, address, p.pid(), List.copyOf(cmd)), p, out);
    }

    /** Runs a node's command detached, its output appended to {@code out}. */
    static Process start(List<String> cmd, Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(LocalCluster.environment());
        return pb.start();
    }

    /** The last {@code lines} lines of a log file ("" when it does not exist yet). */
    static String tail(Path log, int lines) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
