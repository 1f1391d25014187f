package dev.halp.job.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU quotas for processes, one control group each: how an edge server of a known size (half a core, a
 * quarter) is emulated on one machine. The quota is enforced every {@value #PERIOD_US} µs, so a frame is
 * throttled in short slices rather than stalled for a default 100 ms period. Each group also accounts the
 * CPU time its processes used, which the benches report per edge server.
 *
 * <p>cgroup v1 (separate or joint {@code cpu} and {@code cpuacct} hierarchies under {@code /sys/fs/cgroup})
 * and v2 (the unified hierarchy, {@code cpu.max}, {@code cpu.stat}) are both supported; where neither is
 * writable {@link #detect()} says so. A process joins its group before it runs anything: its command is
 * prefixed with a shell that writes its own PID into the group, then execs the command.
 */
public final class CpuQuotas {

    /** The enforcement period: short, so throttling comes in slices of a few milliseconds. */
    public static final int PERIOD_US = 10_000;

    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final boolean v2;
    private final Path cpu;
    private final Path cpuacct;

    private CpuQuotas(boolean v2, Path cpu, Path cpuacct) {
        this.v2 = v2;
        this.cpu = cpu;
        this.cpuacct = cpuacct;
    }

    /** The writable CPU controller of this machine, or an error that says why there is none. */
    public static CpuQuotas detect() {
        return detect(ROOT);
    }

    static CpuQuotas detect(Path root) {
        Path v1cpu = Files.isDirectory(root.resolve("cpu,cpuacct")) ? root.resolve("cpu,cpuacct") : root.resolve("cpu");
        Path v1acct = Files.isDirectory(root.resolve("cpuacct")) ? root.resolve("cpuacct") : v1cpu;
        if (Files.isRegularFile(v1cpu.resolve("cpu.cfs_quota_us"))) {
            if (!Files.isWritable(v1cpu) || !Files.isWritable(v1acct)) {
                throw new IllegalStateException("--cpu-quota: the cgroup v1 cpu controller at " + v1cpu
                        + " is not writable (run as root)");
            }
            return new CpuQuotas(false, v1cpu, v1acct);
        }
        Path controllers = root.resolve("cgroup.controllers");
        try {
            if (Files.isRegularFile(controllers) && Files.readString(controllers).contains("cpu")) {
                if (!Files.isWritable(root.resolve("cgroup.subtree_control"))) {
                    throw new IllegalStateException("--cpu-quota: the cgroup v2 hierarchy at " + root
                            + " is not writable (run as root, or delegate a subtree)");
                }
                return new CpuQuotas(true, root, root);
            }
        } catch (IOException e) {
            throw new IllegalStateException("--cpu-quota: cannot read " + controllers + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("--cpu-quota: no cgroup cpu controller found under " + root
                + " (neither v1 cpu.cfs_quota_us nor v2 cgroup.controllers with cpu)");
    }

    /** Creates (or reuses) group {@code name} (a relative path such as {@code halp/ab12/es0}) with a quota. */
    public Group create(String name, double cores) throws IOException {
        Group g = new Group(cpu.resolve(name), cpuacct.resolve(name));
        if (v2) {
            // every ancestor must hand the cpu controller down to its children
            Path p = cpu;
            for (Path part : Path.of(name)) {
                Files.writeString(p.resolve("cgroup.subtree_control"), "+cpu");
                p = p.resolve(part);
                Files.createDirectories(p);
            }
        } else {
            Files.createDirectories(g.cpu());
            Files.createDirectories(g.cpuacct());
        }
        setQuota(g, cores);
        return g;
    }

    /** Sets (or changes) a group's quota in cores. */
    public void setQuota(Group g, double cores) throws IOException {
        long quota = Math.max(1000, Math.round(cores * PERIOD_US));
        if (v2) {
            Files.writeString(g.cpu().resolve("cpu.max"), quota + " " + PERIOD_US);
        } else {
            // the period first: a quota above the old period is refused until the period allows it
            Files.writeString(g.cpu().resolve("cpu.cfs_quota_us"), "-1");
            Files.writeString(g.cpu().resolve("cpu.cfs_period_us"), Integer.toString(PERIOD_US));
            Files.writeString(g.cpu().resolve("cpu.cfs_quota_us"), Long.toString(quota));
        }
    }

    /** The quota a group holds now, in cores (what its files say; -1 when unlimited). */
    public double quota(Group g) throws IOException {
        if (v2) {
            String[] max = Files.readString(g.cpu().resolve("cpu.max")).trim().split("\\s+");
            return max[0].equals("max") ? -1 : Double.parseDouble(max[0]) / Double.parseDouble(max[1]);
        }
        long q = Long.parseLong(Files.readString(g.cpu().resolve("cpu.cfs_quota_us")).trim());
        long p = Long.parseLong(Files.readString(g.cpu().resolve("cpu.cfs_period_us")).trim());
        return q < 0 ? -1 : (double) q / p;
    }

    /** CPU time the group's processes used since it was created, in nanoseconds. */
    public long usageNanos(Group g) throws IOException {
        if (v2) {
            return statMicros(g, "usage_usec") * 1000;
        }
        return Long.parseLong(Files.readString(g.cpuacct().resolve("cpuacct.usage")).trim());
    }

    /**
     * Of {@link #usageNanos}, the time spent in the kernel on the processes' behalf (page faults, socket copies),
     * in nanoseconds: what separates "more work" from "the same work, slower".
     */
    public long systemNanos(Group g) throws IOException {
        if (v2) {
            return statMicros(g, "system_usec") * 1000;
        }
        Path sys = g.cpuacct().resolve("cpuacct.usage_sys");
        if (Files.isRegularFile(sys)) {
            return Long.parseLong(Files.readString(sys).trim());
        }
        for (String line : Files.readAllLines(g.cpuacct().resolve("cpuacct.stat"))) {
            if (line.startsWith("system ")) {
                return Long.parseLong(line.substring(7).trim()) * 10_000_000L; // USER_HZ ticks of 10 ms
            }
        }
        throw new IOException("no system time in " + g.cpuacct().resolve("cpuacct.stat"));
    }

    private static long statMicros(Group g, String key) throws IOException {
        for (String line : Files.readAllLines(g.cpu().resolve("cpu.stat"))) {
            if (line.startsWith(key + " ")) {
                return Long.parseLong(line.substring(key.length() + 1).trim());
            }
        }
        throw new IOException("no " + key + " in " + g.cpu().resolve("cpu.stat"));
    }

    /**
     * Page faults (minor and major) of the group's processes so far, from {@code /proc/PID/stat}: where kernel time
     * grows, whether it is memory being faulted in again. Processes that ended are not counted.
     */
    public long pageFaults(Group g) throws IOException {
        long sum = 0;
        for (long pid : pids(g)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // after the command's name in parentheses: state ppid pgrp session tty tpgid flags minflt cminflt
                // majflt
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[7]) + Long.parseLong(f[9]);
            } catch (java.nio.file.NoSuchFileException e) {
                // ended since the group was read
            }
        }
        return sum;
    }

    /** A group's CPU time, the kernel's part of it and its processes' page faults, read together. */
    public record Usage(long cpuNanos, long kernelNanos, long pageFaults) {

        /** What was used between {@code earlier} and this reading. */
        public Usage since(Usage earlier) {
            return new Usage(cpuNanos - earlier.cpuNanos, kernelNanos - earlier.kernelNanos,
                    pageFaults - earlier.pageFaults);
        }
    }

    public Usage usage(Group g) throws IOException {
        return new Usage(usageNanos(g), systemNanos(g), pageFaults(g));
    }

    /** PIDs in the group. */
    public List<Long> pids(Group g) throws IOException {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(g.cpu().resolve("cgroup.procs"))) {
            if (!line.isBlank()) {
                out.add(Long.parseLong(line.trim()));
            }
        }
        return out;
    }

    /**
     * A command prefix that moves the process into the group, then execs the rest of the command line (so
     * the PID stays the command's).
     */
    public List<String> joinPrefix(Group g) {
        String files = g.cpu().resolve("cgroup.procs").toString();
        if (!v2 && !g.cpuacct().equals(g.cpu())) {
            files += " " + g.cpuacct().resolve("cgroup.procs");
        }
        return List.of("sh", "-c", "for f in " + files + "; do echo $$ > $f || exit 97; done; exec \"$0\" \"$@\"");
    }

    /** Removes a group once its processes have ended (a group with processes cannot be removed). */
    public void remove(Group g) throws IOException {
        Files.deleteIfExists(g.cpu());
        if (!g.cpuacct().equals(g.cpu())) {
            Files.deleteIfExists(g.cpuacct());
        }
    }

    /** One group's directories: where its quota lives and where its usage is accounted. */
    public record Group(Path cpu, Path cpuacct) {
    }
}
