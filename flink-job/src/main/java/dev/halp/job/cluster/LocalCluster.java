package dev.halp.job.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster made of separate JVMs started from the project's own Maven jars (the
 * Flink binary distribution is not on Maven Central): JobManager with dashboard and REST API, a Kafka
 * broker, a host TaskManager and one TaskManager per secondary. Every process is detached ({@code setsid}),
 * so the cluster outlives the command that started it; {@link #stop} ends it by the PIDs it recorded.
 */
public final class LocalCluster {

    static final String JOB_MANAGER = "jobmanager";
    static final String KAFKA = "kafka";
    static final String VIEW = "view";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private LocalCluster() {
    }

    /** Starts every process and waits until the broker answers and every TaskManager has registered. */
    public static ClusterState start(ClusterSpec spec, PrintWriter log) throws IOException, InterruptedException {
        Path dir = spec.dir().toAbsolutePath();
        Optional<ClusterState> running = ClusterState.load(dir);
        if (running.isPresent() && running.get().nodes().stream().anyMatch(n -> n.process().isPresent())) {
            throw new IllegalStateException("a cluster is already running from " + dir + " (bin/halp cluster stop --dir "
                    + dir + ")");
        }
        String jmAddress = spec.netns() ? NetworkEmulation.GATEWAY : "127.0.0.1";
        int rpcPort = freePort();
        int restPort = spec.restPort() == 0 ? freePort() : spec.restPort();
        List<ProcessLauncher.Launched> launched = new ArrayList<>();
        Map<String, CpuQuotas.Group> groups = new java.util.LinkedHashMap<>();
        ProcessLauncher launcher = new ProcessLauncher(dir, spec.classpath(), javaModuleFlags());
        try {
            if (spec.netns()) {
                // the bridge address must exist before the JobManager and the broker bind to it
                for (int i = 0; i < spec.taskManagers().size(); i++) {
                    NetworkEmulation.addNode(spec.taskManagers().get(i), i, spec.bandwidthMbps(), spec.delayMs());
                }
            }
            FlinkNodeConfig jm = FlinkNodeConfig.jobManager(dir.resolve("conf").resolve(JOB_MANAGER), jmAddress,
                    rpcPort, restPort, dir.resolve("uploads")).withStateDir(dir.resolve("state")).write();
            // with pinned TaskManagers the services yield the cores to them
            List<String> services = spec.pinCpus() ? List.of("nice", "-n", "10") : List.of();
            launched.add(launcher.flink(JOB_MANAGER, jmAddress, services,
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", jm, jm.jobManagerMemory()));
            String bootstrap = null;
            if (spec.kafkaPort() >= 0) {
                int kafkaPort = spec.kafkaPort() == 0 ? freePort() : spec.kafkaPort();
                bootstrap = jmAddress + ":" + kafkaPort;
                launched.add(launcher.broker(KAFKA, jmAddress, kafkaPort, dir.resolve("kafka"), services));
            }
            List<String> tms = spec.taskManagers();
            int cores = Runtime.getRuntime().availableProcessors();
            CpuQuotas quotas = spec.cpuQuota().isEmpty() ? null : CpuQuotas.detect();
            for (int i = 0; i < tms.size(); i++) {
                String name = tms.get(i);
                String address = "127.0.0.1";
                List<String> prefix = new ArrayList<>();
                if (spec.cpuQuota().containsKey(name)) {
                    CpuQuotas.Group g = quotas.create(groupName(dir, name), spec.cpuQuota().get(name));
                    groups.put(name, g);
                    prefix.addAll(quotas.joinPrefix(g));
                }
                if (spec.netns()) {
                    address = NetworkEmulation.address(i);
                    prefix.addAll(NetworkEmulation.exec(name));
                }
                if (spec.pinCpus()) {
                    prefix.addAll(List.of("taskset", "-c", Integer.toString(i % cores)));
                }
                // a previous cluster's TaskManager scratch (job jars in its blob cache, spill files) is never used again
                org.apache.flink.util.FileUtils.deleteDirectory(dir.resolve("tmp").resolve(name).toFile());
                Files.createDirectories(dir.resolve("tmp").resolve(name));
                FlinkNodeConfig tm = FlinkNodeConfig.taskManager(dir.resolve("conf").resolve(name), jmAddress, rpcPort,
                        name, address, i == 0 ? spec.hostSlots() : 1, spec.taskManagerMemory(),
                        dir.resolve("tmp").resolve(name)).withStateDir(dir.resolve("state")).write();
                launched.add(launcher.flink(name, address, prefix,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", tm, tm.taskManagerMemory()));
            }
            ClusterState state = new ClusterState("http://" + jmAddress + ":" + restPort, bootstrap, spec.secondaries(),
                    spec.hostSlots(), spec.netns(), launched.stream().map(ProcessLauncher.Launched::node).toList(),
                    groups);
            state.save(dir);
            log.println("started " + launched.size() + " processes, waiting for " + tms.size() + " TaskManagers ...");
            awaitReady(state, launched, tms, log);
            return state;
        } catch (IOException | RuntimeException | InterruptedException e) {
            stopProcesses(launched.stream().map(ProcessLauncher.Launched::node).toList(), log);
            if (spec.netns()) {
                cleanNetwork(spec.taskManagers());
            }
            removeGroups(groups);
            throw e;
        }
    }

    /**
     * Starts a node of the cluster in {@code dir} again, with the command that started it, after its process
     * died (what a supervisor does for a crashed server); a TaskManager keeps its resource id, so the
     * ResourceManager replaces the lost registration and waiting jobs get their slots back. Waits until a
     * TaskManager has registered.
     */
    public static ClusterState restart(Path dir, String name, PrintWriter log) throws IOException, InterruptedException {
        Path abs = dir.toAbsolutePath();
        ClusterState state = ClusterState.load(abs).orElseThrow(() -> new IllegalStateException("no cluster in " + abs));
        ClusterState.Node node = state.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + name + "' in the cluster (nodes: "
                        + state.nodes().stream().map(ClusterState.Node::name).toList() + ")"));
        if (node.process().isPresent()) {
            throw new IllegalStateException(name + " is still running (PID " + node.pid() + ")");
        }
        if (node.command() == null) {
            throw new IllegalStateException(name + " was started by an older version: stop and start the cluster");
        }
        boolean taskManager = !name.equals(JOB_MANAGER) && !name.equals(KAFKA);
        FlinkRest rest = new FlinkRest(state.restUrl());
        // the lost registration may still be listed until its heartbeat times out: wait for a new address
        String before = taskManager ? rest.taskManagerPath(name) : null;
        Path out = abs.resolve("logs").resolve(name + ".out");
        Process p = ProcessLauncher.start(node.command(), out);
        ClusterState updated = state.replacing(node.withPid(p.pid()));
        updated.save(abs);
        log.println("restarted " + name + " (PID " + p.pid() + ")");
        if (taskManager) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            String now;
            while ((now = rest.taskManagerPath(name)) == null || now.equals(before) || !p.isAlive()) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException(name + " did not register again; its output:\n" + ProcessLauncher.tail(out, 30));
                }
                Thread.sleep(500);
            }
        }
        return updated;
    }

    /**
     * Starts the live view ({@code halp view}) beside the running cluster in {@code dir}, reading its broker, on
     * {@code port}; it is one more process of the cluster ({@code cluster stop} ends it). Returns its URL once it
     * serves.
     */
    public static String startView(Path dir, int port, String classpath, PrintWriter log)
            throws IOException, InterruptedException {
        ClusterState state = ClusterState.load(dir).orElseThrow(() -> new IllegalStateException("no cluster in " + dir));
        if (state.bootstrap() == null) {
            throw new IllegalStateException("--view reads the cluster's broker: start it with --kafka-port 0 or a port");
        }
        ProcessLauncher.Launched view = new ProcessLauncher(dir, classpath, javaModuleFlags())
                .view(VIEW, state.bootstrap(), port);
        state.adding(view.node()).save(dir);
        java.util.regex.Pattern url = java.util.regex.Pattern.compile("live view on (http://\\S+/)");
        long until = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            java.util.regex.Matcher m = url.matcher(ProcessLauncher.tail(view.log(), 20));
            if (m.find()) {
                return m.group(1);
            }
            if (!view.process().isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IOException("the live view did not start: " + ProcessLauncher.tail(view.log(), 20));
    }

    /** Stops every process of the cluster in {@code dir} (SIGTERM, then SIGKILL after 15 s) and its namespaces. */
    public static boolean stop(Path dir, PrintWriter log) throws IOException {
        Optional<ClusterState> state = ClusterState.load(dir.toAbsolutePath());
        if (state.isEmpty()) {
            log.println("no cluster in " + dir.toAbsolutePath());
            return false;
        }
        stopProcesses(state.get().nodes(), log);
        removeGroups(state.get().cpuGroups());
        if (state.get().netns()) {
            cleanNetwork(state.get().nodes().stream().map(ClusterState.Node::name)
                    .filter(n -> !n.equals(JOB_MANAGER) && !n.equals(KAFKA)).toList());
        }
        Files.deleteIfExists(dir.toAbsolutePath().resolve(ClusterState.FILE));
        return true;
    }

    private static void awaitReady(ClusterState state, List<ProcessLauncher.Launched> launched, List<String> tms,
                                   PrintWriter log) throws IOException, InterruptedException {
        FlinkRest rest = new FlinkRest(state.restUrl());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        boolean brokerReady = state.bootstrap() == null;
        while (true) {
            for (ProcessLauncher.Launched p : launched) {
                if (!p.process().isAlive()) {
                    throw new IOException(p.node().name() + " exited with " + p.process().exitValue() + "; its log:\n"
                            + ProcessLauncher.tail(p.log(), 30));
                }
            }
            if (!brokerReady) {
                brokerReady = ProcessLauncher.tail(launched.stream().filter(l -> l.node().name().equals(KAFKA))
                        .findFirst().orElseThrow().log(), 50).contains("kafka broker on");
            }
            List<String> registered = rest.reachable() ? rest.taskManagerIds() : List.of();
            if (brokerReady && registered.containsAll(tms)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("cluster not ready after " + START_TIMEOUT.toSeconds() + " s: broker ready "
                        + brokerReady + ", TaskManagers registered " + registered + " of " + tms);
            }
            Thread.sleep(500);
        }
    }

    private static void stopProcesses(List<ClusterState.Node> nodes, PrintWriter log) {
        List<ClusterState.Node> running = nodes.stream().filter(n -> n.process().isPresent()).toList();
        List<ProcessHandle> live = running.stream().map(ClusterState.Node::process).flatMap(Optional::stream).toList();
        live.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle p : live) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        log.println("stopped " + live.size() + " processes"
                + (live.isEmpty() ? "" : ": " + running.stream().map(ClusterState.Node::name).collect(Collectors.joining(", "))));
    }

    /** The CPU group of TaskManager {@code name} of the cluster in {@code dir}: one directory per cluster. */
    static String groupName(Path dir, String name) {
        return "halp/" + Integer.toHexString(dir.toAbsolutePath().normalize().toString().hashCode()) + "/" + name;
    }

    private static void removeGroups(Map<String, CpuQuotas.Group> groups) throws IOException {
        if (groups.isEmpty()) {
            return;
        }
        CpuQuotas quotas = CpuQuotas.detect();
        for (CpuQuotas.Group g : groups.values()) {
            quotas.remove(g);
        }
        // the cluster's own directory, then halp/ if no other cluster uses it
        CpuQuotas.Group any = groups.values().iterator().next();
        for (Path p : List.of(any.cpu().getParent(), any.cpu().getParent().getParent(), any.cpuacct().getParent(),
                any.cpuacct().getParent().getParent())) {
            try {
                Files.deleteIfExists(p);
            } catch (java.nio.file.FileSystemException busy) {
                // still used by another cluster's groups
            }
        }
    }

    private static void cleanNetwork(List<String> taskManagers) throws IOException {
        for (String tm : taskManagers) {
            NetworkEmulation.removeNode(tm);
        }
        NetworkEmulation.removeBridge();
    }

    /** The {@code --add-opens/--add-exports} flags this JVM runs with (Flink needs them on Java 17). */
    static List<String> javaModuleFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")).toList();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The launcher's classpath without what the job jar brings: the project's modules, and the Kafka
     * connector with its clients. {@code org.apache.flink.*} is loaded parent-first, so a connector on the
     * TaskManager classpath would link against the parent's Kafka classes while the job's own code uses the
     * job jar's ("loader constraint violation"). DJL stays: it must be loaded parent-first.
     */
    public static String flinkClasspath(String launcherClasspath) {
        List<String> jobJarOnly = List.of("/dev/halp/", "/org/apache/kafka/", "/flink-connector-kafka/",
                "/flink-connector-base/", "/info/picocli/", "/org/jfree/");
        return Arrays.stream(launcherClasspath.split(java.io.File.pathSeparator))
                .filter(e -> !e.isBlank() && jobJarOnly.stream().noneMatch(e::contains)
                        && !e.endsWith("/target/classes") && !e.endsWith("/target/test-classes")
                        && !e.matches(".*/target/[^/]+-SNAPSHOT(-[a-z]+)?\\.jar"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    static Map<String, String> environment() {
        Map<String, String> env = new java.util.HashMap<>(CpuRuntime.environment());
        env.put("DJL_OFFLINE", "true");
        env.put("OPT_OUT_TRACKING", "true");
        return env;
    }
}
