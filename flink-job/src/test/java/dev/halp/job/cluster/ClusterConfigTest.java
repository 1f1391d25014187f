package dev.halp.job.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster's configuration, without starting a process. */
class ClusterConfigTest {

    @Test
    void badClusterOptionsFailNamingTheOption() {
        Path dir = Path.of("target/unused");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(dir, 0, 1, 0, 0, false, 1000, 0,
                false, "3072m", "cp")).getMessage().startsWith("--secondaries"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(dir, 2, 1, 0, 0, false, 1000, 0,
                false, "3 GB", "cp")).getMessage().startsWith("--tm-memory"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(dir, 2, 1, 0, -2, false, 1000, 0,
                false, "3072m", "cp")).getMessage().startsWith("--kafka-port"));
        assertEquals(List.of("host", "es0", "es1"),
                new ClusterSpec(dir, 2, 1, 0, 0, false, 1000, 0, false, "3072m", "cp").taskManagers());
    }

    @Test
    void cpuQuotasParseAsOneNumberOrPerTaskManagerAndBadOnesNameTheOption() {
        assertEquals(Map.of("host", 0.5, "es0", 0.5, "es1", 0.5), ClusterSpec.parseCpuQuota("0.5", 2));
        assertEquals(Map.of("host", 0.5, "es0", 0.5, "es1", 0.25),
                ClusterSpec.parseCpuQuota("host=0.5, es0=0.5,es1=0.25", 2));
        Path dir = Path.of("target/unused");
        for (String bad : List.of("es7=0.5", "host=0", "host=x", "es0")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(dir, 2, 1,
                    0, 0, false, 1000, 0, false, "3072m", "cp", ClusterSpec.parseCpuQuota(bad, 2)), bad);
            assertTrue(e.getMessage().startsWith("--cpu-quota"), e.getMessage());
        }
    }

    /** The cgroup files a quota writes, on a directory laid out like cgroup v1 (no root or kernel needed). */
    @Test
    void aQuotaIsWrittenAsQuotaAndShortPeriod(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        java.nio.file.Files.createDirectories(root.resolve("cpu"));
        java.nio.file.Files.writeString(root.resolve("cpu").resolve("cpu.cfs_quota_us"), "-1");
        java.nio.file.Files.createDirectories(root.resolve("cpuacct"));
        CpuQuotas q = CpuQuotas.detect(root);
        CpuQuotas.Group g = q.create("halp/x/es1", 0.25);
        assertEquals("2500", java.nio.file.Files.readString(g.cpu().resolve("cpu.cfs_quota_us")));
        assertEquals("10000", java.nio.file.Files.readString(g.cpu().resolve("cpu.cfs_period_us")));
        assertEquals(0.25, q.quota(g), 1e-12);
        assertTrue(java.nio.file.Files.isDirectory(root.resolve("cpuacct/halp/x/es1")));
        String prefix = String.join(" ", q.joinPrefix(g));
        assertTrue(prefix.contains(g.cpu().resolve("cgroup.procs") + " " + g.cpuacct().resolve("cgroup.procs")), prefix);
    }

    @Test
    void kernelTimeIsReadFromEachLayoutsOwnFile(@TempDir Path dir) throws Exception {
        Path v1 = dir.resolve("v1");
        Files.createDirectories(v1.resolve("cpu"));
        Files.writeString(v1.resolve("cpu").resolve("cpu.cfs_quota_us"), "-1");
        Files.createDirectories(v1.resolve("cpuacct"));
        CpuQuotas q1 = CpuQuotas.detect(v1);
        CpuQuotas.Group g1 = q1.create("halp/x/host", 0.5);
        // older kernels have only cpuacct.stat, in ticks of 10 ms
        Files.writeString(g1.cpuacct().resolve("cpuacct.stat"), "user 250\nsystem 37\n");
        assertEquals(370_000_000L, q1.systemNanos(g1));
        Files.writeString(g1.cpuacct().resolve("cpuacct.usage_sys"), "371234567\n");
        assertEquals(371_234_567L, q1.systemNanos(g1));

        Path v2 = dir.resolve("v2");
        Files.createDirectories(v2);
        Files.writeString(v2.resolve("cgroup.controllers"), "cpuset cpu io memory");
        Files.writeString(v2.resolve("cgroup.subtree_control"), "");
        CpuQuotas q2 = CpuQuotas.detect(v2);
        CpuQuotas.Group g2 = q2.create("halp/x/es0", 0.5);
        Files.writeString(g2.cpu().resolve("cpu.stat"), "usage_usec 900\nuser_usec 700\nsystem_usec 200\n");
        assertEquals(900_000L, q2.usageNanos(g2));
        assertEquals(200_000L, q2.systemNanos(g2));
        Files.writeString(g2.cpu().resolve("cgroup.procs"), ""); // no processes: no page faults
        CpuQuotas.Usage earlier = new CpuQuotas.Usage(100_000L, 50_000L, 0);
        assertEquals(new CpuQuotas.Usage(800_000L, 150_000L, 0), q2.usage(g2).since(earlier));
    }

    @Test
    void theTaskManagerClasspathLeavesTheJobJarsLibrariesToTheJobJar() {
        String cp = String.join(":", "/w/flink-job/target/classes", "/m/dev/halp/operators/0.1.0-SNAPSHOT/operators.jar",
                "/w/operators/target/operators-0.1.0-SNAPSHOT.jar",
                "/m/org/apache/flink/flink-connector-kafka/5.0.0-2.2/c.jar", "/m/org/apache/kafka/kafka-clients/4.2.2/k.jar",
                "/m/org/apache/flink/flink-runtime/2.2.1/flink-runtime-2.2.1.jar",
                "/m/ai/djl/pytorch/pytorch-native-cpu/2.7.1/n.jar", "/m/ai/djl/api/0.36.0/api-0.36.0.jar");
        assertEquals("/m/org/apache/flink/flink-runtime/2.2.1/flink-runtime-2.2.1.jar:"
                + "/m/ai/djl/pytorch/pytorch-native-cpu/2.7.1/n.jar:/m/ai/djl/api/0.36.0/api-0.36.0.jar",
                LocalCluster.flinkClasspath(cp));
    }

    @Test
    void taskManagersCarryTheirLabelsAndTheMemoryFlagsConfigShWouldDerive(@TempDir Path dir) throws Exception {
        FlinkNodeConfig host = FlinkNodeConfig.taskManager(dir.resolve("host"), "127.0.0.1", 6123, "host",
                "127.0.0.1", 3, "3072m", dir.resolve("tmp")).write();
        String yaml = Files.readString(dir.resolve("host").resolve("config.yaml"));
        assertTrue(yaml.contains("taskmanager.resource-id: host"), yaml);
        assertTrue(yaml.contains("external-resources: halp-edge;halp-host"), yaml);
        assertTrue(yaml.contains("external-resource.halp-host.amount: 2"), yaml);
        assertTrue(yaml.contains("classloader.parent-first-patterns.additional: ai.djl."), yaml);
        assertTrue(Files.exists(dir.resolve("host").resolve("log4j.properties")));
        FlinkNodeConfig.MemoryArgs memory = host.taskManagerMemory();
        assertTrue(memory.jvm().stream().anyMatch(a -> a.startsWith("-Xmx")), memory.toString());
        assertTrue(memory.dynamic().contains("external-resources=halp-edge;halp-host")
                || memory.dynamic().contains("external-resources=halp-host;halp-edge"), memory.toString());
        assertTrue(memory.dynamic().stream().anyMatch(a -> a.startsWith("taskmanager.cpu.cores=")), memory.toString());
        assertFalse(memory.dynamic().stream().anyMatch(a -> a.contains("\"")), "no shell quotes: " + memory);

        FlinkNodeConfig.taskManager(dir.resolve("es0"), "127.0.0.1", 6123, "es0", "127.0.0.1", 1, "3072m",
                dir.resolve("tmp")).write();
        String secondary = Files.readString(dir.resolve("es0").resolve("config.yaml"));
        assertTrue(secondary.contains("external-resources: halp-edge\n") && !secondary.contains("halp-host"), secondary);
    }
}
