package dev.halp.job.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a started cluster left in its directory ({@code cluster.json}): where to reach it, which PIDs to stop. */
public record ClusterState(String restUrl, String bootstrap, int secondaries, int hostSlots, boolean netns,
                           List<Node> nodes, Map<String, CpuQuotas.Group> cpuGroups) {

    public ClusterState {
        cpuGroups = cpuGroups == null ? Map.of() : Map.copyOf(cpuGroups);
    }

    static final String FILE = "cluster.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The same cluster with {@code node} in place of the node of that name. */
    ClusterState replacing(Node node) {
        return new ClusterState(restUrl, bootstrap, secondaries, hostSlots, netns,
                nodes.stream().map(n -> n.name().equals(node.name()) ? node : n).toList(), cpuGroups);
    }

    /** The same cluster with one more process. */
    ClusterState adding(Node node) {
        List<Node> all = new java.util.ArrayList<>(nodes);
        all.add(node);
        return new ClusterState(restUrl, bootstrap, secondaries, hostSlots, netns, all, cpuGroups);
    }

    /**
     * One process: its role name, the address it advertises, the PID of its JVM, and the full command line that
     * started it, to start it again ({@code cluster restart}).
     */
    public record Node(String name, String address, long pid, List<String> command) {

        Node withPid(long newPid) {
            return new Node(name, address, newPid, command);
        }

        /** The live process, if this PID still runs our node (checked by its {@code -Dhalp.node} marker). */
        public Optional<ProcessHandle> process() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains("-Dhalp.node=" + name)).orElse(true));
        }
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve(FILE).toFile(), this);
    }

    public static Optional<ClusterState> load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        return Files.exists(f) ? Optional.of(JSON.readValue(f.toFile(), ClusterState.class)) : Optional.empty();
    }
}
