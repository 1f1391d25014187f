package dev.halp.job.cli;

import dev.halp.job.bench.OverheadBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** Benchmarks that print ratios measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (ratios measured in one run).",
        subcommands = {BenchCommand.Overhead.class, BenchCommand.Speedup.class, BenchCommand.Hops.class,
                BenchCommand.Faults.class, BenchCommand.Allocator.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "overhead", mixinStandardHelpOptions = true,
            description = "Flink job (local scheme) frames/s against a plain DJL loop on the same frames and threads.")
    static final class Overhead extends FrameCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;


        @Option(names = "--frames", defaultValue = "30", description = "frames per side and round (default: ${DEFAULT-VALUE})")
        int frames;

        @Option(names = "--rounds", defaultValue = "5",
                description = "rounds alternating the two sides; the ratio is their median (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--threads", defaultValue = "1", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE})")
        int threads;

        @picocli.CommandLine.Mixin
        JsonSummary json;

        @Override
        public Integer call() throws Exception {
            validatedModel(spec);
            if (frames < 2) {
                throw Options.bad(spec, "--frames", "must be at least 2");
            }
            if (threads < 1) {
                throw Options.bad(spec, "--threads", "must be at least 1");
            }
            if (rounds < 1) {
                throw Options.bad(spec, "--rounds", "must be at least 1");
            }
            json.print(new OverheadBench(model, height, width, frames, threads, rounds, json.progress()).run());
            return 0;
        }
    }

    @Command(name = "allocator", mixinStandardHelpOptions = true,
            description = "The CPU runtime's allocators (HALP_MALLOC) side by side: one JVM each, rounds of a whole frame "
                    + "and slices of random heights, time and resident memory per round.")
    static final class Allocator extends FrameCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--batch-size", defaultValue = "1", description = "frames per tensor (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--rounds", defaultValue = "8", description = "rounds per allocator (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--allocators", split = ",", defaultValue = "tcmalloc,glibc,system",
                description = "HALP_MALLOC choices, in this order (default: ${DEFAULT-VALUE})")
        java.util.List<String> allocators;

        @picocli.CommandLine.Mixin
        JsonSummary json;

        @Override
        public Integer call() throws Exception {
            validatedModel(spec);
            if (batchSize < 1 || rounds < 2) {
                throw Options.bad(spec, batchSize < 1 ? "--batch-size" : "--rounds", batchSize < 1
                        ? "must be at least 1" : "must be at least 2 (growth is measured after the first)");
            }
            for (String a : allocators) {
                try {
                    dev.halp.job.cluster.CpuRuntime.environment(a);
                } catch (IllegalArgumentException e) {
                    throw Options.bad(spec, "--allocators", a + ": use tcmalloc, glibc or system");
                }
            }
            json.print(new dev.halp.job.bench.AllocatorBench(model, height, width, batchSize, rounds,
                    java.util.List.copyOf(allocators), json.progress()).run());
            return 0;
        }
    }

    @Command(name = "speedup", mixinStandardHelpOptions = true,
            description = "HALP vs the host alone on a real cluster of edge servers of known sizes (CPU quotas, shaped "
                    + "links): profiles and the hop measured first, then both schemes alternately in rounds, measured "
                    + "next to the planner's prediction.",
            defaultValueProvider = Speedup.LargerFrames.class)
    static final class Speedup extends FrameCommand implements Callable<Integer> {

        /**
         * 448x448 frames by default: at 224 the head and the per-frame pipeline cost (serial on the host) are a
         * large share of a frame and cap any split of the feature stack.
         */
        static final class LargerFrames implements picocli.CommandLine.IDefaultValueProvider {
            @Override
            public String defaultValue(picocli.CommandLine.Model.ArgSpec arg) {
                return arg.isOption() && java.util.Set.of("--height", "--width")
                        .contains(((picocli.CommandLine.Model.OptionSpec) arg).longestName()) ? "448" : null;
            }
        }

        @Spec
        CommandSpec spec;

        @Option(names = "--secondaries", defaultValue = "2", description = "secondary TaskManagers (default: ${DEFAULT-VALUE})")
        int secondaries;

        @Option(names = "--cpu-quota", defaultValue = "0.5",
                description = "cores per edge server: one number for all, or host=0.5,es0=0.5,es1=0.25 "
                        + "(default: ${DEFAULT-VALUE})")
        String cpuQuota;

        @Option(names = "--bandwidth-mbps", split = ",", defaultValue = "1000",
                description = "link rate(s); several give one run each, a table and a plot (default: ${DEFAULT-VALUE})")
        java.util.List<Integer> bandwidths;

        @Option(names = "--rounds", defaultValue = "3", description = "alternating rounds of every scheme (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--frames", defaultValue = "8",
                description = "measured bursts per scheme and round (a burst is --batch-size frames); the calibration "
                        + "runs each measure as many (default: ${DEFAULT-VALUE})")
        int frames;

        @Option(names = "--warmup-frames", defaultValue = "3",
                description = "bursts sent first and not measured: each run is a new job, compiled anew (default: ${DEFAULT-VALUE})")
        int warmupFrames;

        @Option(names = "--batch-size", defaultValue = "1",
                description = "frames sent together and computed as one tensor (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--no-netns", description = "TaskManagers on loopback instead of shaped links in network namespaces")
        boolean noNetns;

        @Option(names = "--dir", defaultValue = "${sys:java.io.tmpdir}/halp-bench-speedup", description = "(default: ${DEFAULT-VALUE})")
        java.nio.file.Path dir;

        @picocli.CommandLine.Mixin
        JsonSummary json;

        @picocli.CommandLine.Parameters(paramLabel = "JOB-OPTION", arity = "0..*",
                description = "after --: job options for every run (for example --buffer-timeout-ms 0)")
        java.util.List<String> jobOptions = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            validatedModel(spec);
            if (secondaries < 1 || rounds < 1 || frames < 1 || warmupFrames < 1 || batchSize < 1
                    || bandwidths.stream().anyMatch(b -> b < 1)) {
                String option = secondaries < 1 ? "--secondaries" : rounds < 1 ? "--rounds" : frames < 1 ? "--frames"
                        : warmupFrames < 1 ? "--warmup-frames" : batchSize < 1 ? "--batch-size" : "--bandwidth-mbps";
                throw Options.bad(spec, option, "out of range");
            }
            Map<String, Double> quotas;
            try {
                quotas = dev.halp.job.cluster.ClusterSpec.parseCpuQuota(cpuQuota, secondaries);
                if (quotas.size() != secondaries + 1) {
                    throw new IllegalArgumentException("--cpu-quota: give every edge server a quota (host, es0 .. es"
                            + (secondaries - 1) + ")");
                }
                dev.halp.job.cluster.CpuQuotas.detect();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw Options.bad(spec, "--cpu-quota", e.getMessage().replaceFirst("^--cpu-quota: ", ""));
            }
            java.nio.file.Path jar = jobJar(spec);
            try {
                new picocli.CommandLine(new dev.halp.job.stream.JobOptions()).parseArgs(jobOptions.toArray(String[]::new));
            } catch (picocli.CommandLine.ParameterException e) {
                throw Options.bad(spec, "JOB-OPTION", e.getMessage());
            }
            boolean netns = netns(noNetns);
            if (!noNetns && !netns) {
                json.progress().println("not root: TaskManagers on loopback (no shaped links)");
            }
            Map<String, Object> r = new dev.halp.job.bench.SpeedupBench(new dev.halp.job.bench.SpeedupBench.Settings(
                    model, height, width, secondaries, quotas, java.util.List.copyOf(bandwidths), rounds, frames,
                    warmupFrames, batchSize, netns, dir, jar, System.getProperty("java.class.path"),
                    java.util.List.copyOf(jobOptions)), json.progress()).run();
            json.print(r);
            return 0;
        }
    }

    @Command(name = "hops", mixinStandardHelpOptions = true,
            description = "One exchange of rows between two TaskManagers through Flink (the job's message type and "
                    + "buffer timeout), on a cluster of its own: one-way p50/p99 by size and the line the planner uses.")
    static final class Hops implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--sizes-kb", split = ",", defaultValue = "16,256,1024,4096",
                description = "message sizes in kB (default: ${DEFAULT-VALUE})")
        java.util.List<Integer> sizesKb;

        @Option(names = "--messages", defaultValue = "20", description = "round trips per size (default: ${DEFAULT-VALUE})")
        int messages;

        @Option(names = "--cpu-quota", description = "cores per TaskManager (one number, or host=..,es0=..); none by default")
        String cpuQuota;

        @Option(names = "--bandwidth-mbps", defaultValue = "1000", description = "emulated link rate (default: ${DEFAULT-VALUE})")
        int bandwidthMbps;

        @Option(names = "--no-netns", description = "TaskManagers on loopback instead of shaped links in network namespaces")
        boolean noNetns;

        @Option(names = "--dir", defaultValue = "${sys:java.io.tmpdir}/halp-bench-hops", description = "(default: ${DEFAULT-VALUE})")
        java.nio.file.Path dir;

        @picocli.CommandLine.Mixin
        JsonSummary json;

        @Override
        public Integer call() throws Exception {
            if (messages < 4 || sizesKb.isEmpty() || sizesKb.stream().anyMatch(k -> k < 1) || bandwidthMbps < 1) {
                throw Options.bad(spec, messages < 4 ? "--messages" : bandwidthMbps < 1 ? "--bandwidth-mbps"
                        : "--sizes-kb", "out of range");
            }
            java.nio.file.Path jar = jobJar(spec);
            boolean netns = netns(noNetns);
            dev.halp.job.cluster.ClusterSpec cluster;
            try {
                cluster = new dev.halp.job.cluster.ClusterSpec(dir.resolve("cluster"), 1, 1, 0, 0, netns, bandwidthMbps,
                        0, false, "3072m", System.getProperty("java.class.path"),
                        dev.halp.job.cluster.ClusterSpec.parseCpuQuota(cpuQuota, 1));
            } catch (IllegalArgumentException e) {
                throw Options.bad(spec, "--cpu-quota", e.getMessage().replaceFirst("^--cpu-quota: ", ""));
            }
            java.io.PrintWriter out = json.progress();
            var state = dev.halp.job.cluster.LocalCluster.start(cluster, out);
            try {
                var rest = new dev.halp.job.cluster.FlinkRest(state.restUrl());
                String jarId = rest.uploadJar(jar);
                var r = dev.halp.job.bench.HopBench.measure(rest, jarId, state, sizesKb, messages, bandwidthMbps, out);
                rest.deleteJar(jarId);
                Map<String, Object> o = new java.util.LinkedHashMap<>(r.json());
                o.put("bandwidth_mbps", bandwidthMbps);
                o.put("netns", netns);
                o.put("cpu_quota", cluster.cpuQuota());
                json.print(o);
            } finally {
                dev.halp.job.cluster.LocalCluster.stop(dir.resolve("cluster"), out);
            }
            return 0;
        }
    }

    @Command(name = "faults", mixinStandardHelpOptions = true,
            description = "Fault scenarios (baseline, malformed input, silent secondary, 2x overload), one table.")
    static final class Faults extends FrameCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--frames", defaultValue = "20", description = "frames per scenario (default: ${DEFAULT-VALUE})")
        long frames;

        @Option(names = "--secondaries", defaultValue = "2", description = "(default: ${DEFAULT-VALUE})")
        int secondaries;

        @picocli.CommandLine.Mixin
        JsonSummary json;

        @Override
        public Integer call() throws Exception {
            validatedModel(spec);
            if (frames < 4 || secondaries < 1) {
                throw Options.bad(spec, frames < 4 ? "--frames" : "--secondaries", "too small");
            }
            var rows = new dev.halp.job.bench.FaultsBench(model, height, width, secondaries, frames,
                    json.progress()).run();
            json.print(Map.of("rows", rows));
            boolean clean = rows.stream().allMatch(r -> ((Number) r.get("lost")).longValue() == 0
                    && ((Number) r.get("duplicates")).longValue() == 0);
            return clean ? 0 : 1;
        }
    }

    /** The job jar the benches submit, or a usage error naming how to build it. */
    static java.nio.file.Path jobJar(CommandSpec spec) throws java.io.IOException {
        java.nio.file.Path jar = dev.halp.job.cluster.SubmitCommand.defaultJar();
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw Options.bad(spec, "--jar", "job jar not found: " + jar + " (mvn -B -DskipTests package)");
        }
        return jar;
    }

    /** Shaped links in network namespaces unless turned off; they need root. */
    static boolean netns(boolean noNetns) {
        return !noNetns && "root".equals(System.getProperty("user.name"));
    }
}
