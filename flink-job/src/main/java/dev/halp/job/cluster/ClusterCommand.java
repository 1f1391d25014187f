package dev.halp.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code bin/halp cluster start|status|stop}: the standalone cluster of {@link LocalCluster}. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A standalone Flink cluster (JobManager + dashboard, Kafka, host and secondary TaskManagers).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class, ClusterCommand.Restart.class,
                ClusterCommand.Stop.class})
public final class ClusterCommand implements Runnable {

    /** Default working directory of the cluster: shared by start, status, stop and submit. */
    public static final String DEFAULT_DIR = "${sys:java.io.tmpdir}/halp-cluster";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the cluster in the background.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "configuration, logs, PIDs (default: ${DEFAULT-VALUE})")
        Path dir;
        @Option(names = "--secondaries", defaultValue = "2", description = "secondary TaskManagers (default: ${DEFAULT-VALUE})")
        int secondaries;
        @Option(names = "--host-slots", defaultValue = "1", description = "slots of the host TaskManager (default: ${DEFAULT-VALUE})")
        int hostSlots;
        @Option(names = "--rest-port", defaultValue = "8081", description = "dashboard and REST port, 0 = any free (default: ${DEFAULT-VALUE})")
        int restPort;
        @Option(names = "--kafka-port", defaultValue = "9092", description = "broker port, 0 = any free, -1 = no broker (default: ${DEFAULT-VALUE})")
        int kafkaPort;
        @Option(names = "--netns", description = "each TaskManager in its own network namespace with a shaped link (root, Linux)")
        boolean netns;
        @Option(names = "--bandwidth-mbps", defaultValue = "1000", description = "link rate with --netns (default: ${DEFAULT-VALUE})")
        int bandwidthMbps;
        @Option(names = "--delay-ms", defaultValue = "0", description = "link delay with --netns, needs netem (default: ${DEFAULT-VALUE})")
        double delayMs;
        @Option(names = "--pin-cpus", description = "pin TaskManager i to CPU core i with taskset")
        boolean pinCpus;
        @Option(names = "--tm-memory", defaultValue = "3072m", description = "Flink process size per TaskManager (default: ${DEFAULT-VALUE})")
        String tmMemory;
        @Option(names = "--cpu-quota", description = "CPU quota in cores per TaskManager, each in its own cgroup (root): "
                + "one number for all (0.5) or name=cores pairs (host=0.5,es0=0.5,es1=0.25)")
        String cpuQuota;
        @Option(names = "--view", description = "also start the live view (bin/halp view) on --view-port")
        boolean view;
        @Option(names = "--view-port", defaultValue = "8088", description = "(default: ${DEFAULT-VALUE})")
        int viewPort;
        @picocli.CommandLine.Mixin
        dev.halp.job.cli.JsonSummary json;

        @Override
        public Integer call() throws Exception {
            if (view && (viewPort < 0 || viewPort > 65535 || kafkaPort < 0)) {
                throw new CommandLine.ParameterException(spec.commandLine(), kafkaPort < 0
                        ? "--view: reads the cluster's broker, which --kafka-port -1 leaves out" : "--view-port: not a port");
            }
            ClusterSpec cluster;
            try {
                cluster = new ClusterSpec(dir, secondaries, hostSlots, restPort, kafkaPort, netns, bandwidthMbps,
                        delayMs, pinCpus, tmMemory, System.getProperty("java.class.path"),
                        ClusterSpec.parseCpuQuota(cpuQuota, secondaries));
                if (!cluster.cpuQuota().isEmpty()) {
                    CpuQuotas.detect();
                }
            } catch (IllegalStateException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (netns && !"root".equals(System.getProperty("user.name"))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--netns: needs root (network namespaces, tc)");
            }
            PrintWriter out = json.progress();
            long t0 = System.nanoTime();
            ClusterState state = LocalCluster.start(cluster, out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf("cluster up in %.1f s: dashboard %s, kafka %s, TaskManagers host + %d secondaries%s; logs in %s%n",
                    seconds, state.restUrl(), state.bootstrap(), secondaries,
                    netns ? " (network namespaces, " + bandwidthMbps + " Mbit/s links)" : "", dir.resolve("logs"));
            if (!cluster.cpuQuota().isEmpty()) {
                out.printf("CPU quotas (cores, %d ms period): %s%n", CpuQuotas.PERIOD_US / 1000, cluster.cpuQuota());
            }
            String viewUrl = null;
            if (view) {
                viewUrl = LocalCluster.startView(dir, viewPort, System.getProperty("java.class.path"), out);
                out.println("live view on " + viewUrl);
            }
            Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("dashboard", state.restUrl());
            summary.put("kafka", state.bootstrap());
            summary.put("secondaries", secondaries);
            summary.put("netns", netns);
            summary.put("bandwidth_mbps", netns ? bandwidthMbps : null);
            summary.put("cpu_quota", cluster.cpuQuota());
            summary.put("startup_s", Math.round(seconds * 10) / 10.0);
            summary.put("logs", dir.resolve("logs").toString());
            summary.put("view", viewUrl);
            json.print(summary);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Processes, TaskManagers and jobs of the cluster.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "(default: ${DEFAULT-VALUE})")
        Path dir;
        @picocli.CommandLine.Mixin
        dev.halp.job.cli.JsonSummary json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = json.progress();
            Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("dir", dir.toAbsolutePath().toString());
            Optional<ClusterState> state = ClusterState.load(dir.toAbsolutePath());
            if (state.isEmpty()) {
                out.println("no cluster in " + dir.toAbsolutePath());
                summary.put("running", false);
                json.print(summary);
                return 1;
            }
            boolean allUp = true;
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (ClusterState.Node n : state.get().nodes()) {
                boolean up = n.process().isPresent();
                allUp &= up;
                out.printf("%-11s pid %-8d %-10s %s%n", n.name(), n.pid(), n.address(), up ? "running" : "NOT RUNNING");
                nodes.add(new java.util.LinkedHashMap<>(Map.of("name", n.name(), "pid", n.pid(), "address",
                        n.address(), "running", up)));
            }
            summary.put("nodes", nodes);
            if (!state.get().cpuGroups().isEmpty()) {
                CpuQuotas quotas = CpuQuotas.detect();
                Map<String, Object> groups = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, CpuQuotas.Group> g : state.get().cpuGroups().entrySet()) {
                    double cores = quotas.quota(g.getValue());
                    double cpuSeconds = quotas.usageNanos(g.getValue()) / 1e9;
                    out.printf("%-11s CPU quota %.2f cores, %.1f CPU-s used%n", g.getKey(), cores, cpuSeconds);
                    groups.put(g.getKey(), Map.of("cores", cores, "cpu_s", Math.round(cpuSeconds * 10) / 10.0));
                }
                summary.put("cpu_quota", groups);
            }
            FlinkRest rest = new FlinkRest(state.get().restUrl());
            summary.put("dashboard", rest.baseUrl());
            if (rest.reachable()) {
                JsonNode o = rest.overview();
                out.printf("dashboard %s: %d TaskManagers %s, %d/%d slots free, jobs running %d%n", rest.baseUrl(),
                        o.path("taskmanagers").asInt(), rest.taskManagerIds(), o.path("slots-available").asInt(),
                        o.path("slots-total").asInt(), o.path("jobs-running").asInt());
                summary.put("taskmanagers", rest.taskManagerIds());
                List<Map<String, String>> jobs = new ArrayList<>();
                for (JsonNode j : rest.jobs()) {
                    out.printf("  job %s %-9s %s%n", j.path("jid").asText(), j.path("state").asText(), j.path("name").asText());
                    jobs.add(Map.of("id", j.path("jid").asText(), "state", j.path("state").asText(),
                            "name", j.path("name").asText()));
                }
                summary.put("jobs", jobs);
            } else {
                allUp = false;
                out.println("dashboard " + rest.baseUrl() + " not reachable");
            }
            out.println("kafka " + state.get().bootstrap());
            summary.put("kafka", state.get().bootstrap());
            summary.put("running", allUp);
            json.print(summary);
            return allUp ? 0 : 1;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop every process of the cluster.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "(default: ${DEFAULT-VALUE})")
        Path dir;
        @picocli.CommandLine.Mixin
        dev.halp.job.cli.JsonSummary json;

        @Override
        public Integer call() throws IOException {
            boolean stopped = LocalCluster.stop(dir, json.progress());
            json.print(Map.of("dir", dir.toAbsolutePath().toString(), "stopped", stopped));
            return stopped ? 0 : 1;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Start a node whose process died again (as a supervisor would), with its original command.")
    static final class Restart implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "(default: ${DEFAULT-VALUE})")
        Path dir;
        @picocli.CommandLine.Parameters(paramLabel = "NODE", description = "host, es0, es1, ... (see cluster status)")
        String node;
        @picocli.CommandLine.Mixin
        dev.halp.job.cli.JsonSummary json;

        @Override
        public Integer call() throws Exception {
            try {
                LocalCluster.restart(dir, node, json.progress());
                json.print(Map.of("node", node, "restarted", true));
                return 0;
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }
}
