package dev.halp.job.bench;

import dev.halp.job.cli.ProfileCodec;
import dev.halp.job.cli.Profiles;
import dev.halp.job.cluster.CpuQuotas;
import dev.halp.partitioner.cost.DeviceProfile;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An edge server of a given CPU quota as the planner sees it: {@code halp profile} run in a child JVM inside a
 * CPU group with that quota (one PyTorch thread), so every layer's time and the head's are those of the
 * emulated server, not of the whole machine.
 */
record QuotaProfile(double cores, DeviceProfile device, double headMs, double wholeMs) {

    static QuotaProfile measure(String model, int height, int width, double cores, Path dir, PrintWriter out)
            throws IOException, InterruptedException {
        Path file = dir.resolve(String.format(java.util.Locale.ROOT, "profile-%s-%dx%d-%.2fcores.json", model,
                height, width, cores));
        CpuQuotas quotas = CpuQuotas.detect();
        CpuQuotas.Group group = quotas.create("halp/bench-profile-" + ProcessHandle.current().pid(), cores);
        try {
            List<String> cmd = new ArrayList<>(quotas.joinPrefix(group));
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-D") || a.startsWith("--add-")).toList());
            cmd.addAll(List.of("-Xmx4g", "-cp", System.getProperty("java.class.path"), "dev.halp.job.cli.Halp",
                    "profile", "--model", model, "--height", Integer.toString(height), "--width",
                    Integer.toString(width), "--threads", "1", "--points", "6", "--repeats", "5", "--out",
                    file.toString()));
            Path log = dir.resolve(file.getFileName() + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(dev.halp.job.cluster.CpuRuntime.environment());
            Process p = pb.start();
            int rc = p.waitFor();
            List<String> lines = Files.readAllLines(log);
            if (rc != 0) {
                throw new IllegalStateException("profiling under a quota of " + cores + " cores failed:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
            out.printf("profile under %.2f cores: %s%n", cores, lines.get(lines.size() - 1));
        } finally {
            quotas.remove(group);
        }
        String key = height + "x" + width + "_b1_fp32";
        double whole = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile())
                .path("full_frame_ms").path(key).asDouble();
        return new QuotaProfile(cores, Profiles.byNameOrFile(file.toString()), ProfileCodec.headMs(file, key), whole);
    }
}
