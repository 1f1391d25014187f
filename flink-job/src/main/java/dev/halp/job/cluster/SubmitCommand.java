package dev.halp.job.cluster;

import dev.halp.job.stream.HalpJobMain;
import dev.halp.job.stream.JobOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bin/halp submit [-- JOB_OPTIONS]}: uploads the shaded job jar and runs it through the REST calls of
 * the dashboard's Submit New Job page. The job options are checked here first, so a bad one fails before
 * anything is uploaded; {@code --bootstrap} and {@code --secondaries} default to the cluster's own.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit the HALP job to a running cluster (as the dashboard does).")
public final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = ClusterCommand.DEFAULT_DIR,
            description = "the cluster's directory, for its address (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--rest", description = "REST address of another cluster, e.g. http://jm:8081 (default: the one in --dir)")
    String rest;

    @Option(names = "--jar", description = "job jar (default: flink-job/target/flink-job-*-job.jar of this checkout)")
    Path jar;

    @Option(names = "--wait-s", defaultValue = "120",
            description = "wait until every task runs, at most this long; 0 returns at once (default: ${DEFAULT-VALUE})")
    int waitSeconds;

    @Parameters(paramLabel = "JOB_OPTION", description = "job options after --, e.g. -- --scheme halp --deadline-ms 1500")
    List<String> jobArgs = new ArrayList<>();

    @picocli.CommandLine.Mixin
    dev.halp.job.cli.JsonSummary json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = json.progress();
        ClusterState cluster = rest == null ? ClusterState.load(dir.toAbsolutePath()).orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "--dir: no cluster in " + dir.toAbsolutePath()
                        + " (bin/halp cluster start, or --rest URL)")) : null;
        List<String> args = new ArrayList<>(jobArgs);
        if (cluster != null && cluster.bootstrap() != null && !args.contains("--bootstrap")) {
            args.addAll(List.of("--bootstrap", cluster.bootstrap()));
        }
        if (cluster != null && !args.contains("--slot-labels")) {
            // clusters started by `bin/halp cluster start` label their TaskManagers
            args.add("--slot-labels");
        }
        if (cluster != null && !args.contains("--secondaries")) {
            args.addAll(List.of("--secondaries", Integer.toString(cluster.secondaries())));
        }
        JobOptions options = new JobOptions();
        try {
            new CommandLine(options).parseArgs(args.toArray(String[]::new));
            options.validate();
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            dev.halp.job.stream.TopicCheck.check(options);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (cluster != null && options.hostParallelism > 1 && options.hostParallelism > cluster.hostSlots() - 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host-parallelism: " + options.hostParallelism
                    + " merge instances need a host TaskManager with " + (options.hostParallelism + 1)
                    + " slots; this cluster's has " + cluster.hostSlots() + " (cluster start --host-slots)");
        }
        Path jobJar = jar != null ? jar : defaultJar();
        if (!Files.isRegularFile(jobJar)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jar: not found: " + jobJar
                    + " (build it with mvn -B -DskipTests package)");
        }
        FlinkRest api = new FlinkRest(rest != null ? rest : cluster.restUrl());
        long t0 = System.nanoTime();
        String jarId = api.uploadJar(jobJar);
        String jobId = api.runJar(jarId, HalpJobMain.class.getName(), args);
        out.printf("submitted job %s (jar %s, %d MB) to %s in %.1f s%n", jobId, jarId, Files.size(jobJar) >> 20,
                api.baseUrl(), (System.nanoTime() - t0) / 1e9);
        Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("job_id", jobId);
        summary.put("jar_id", jarId);
        summary.put("dashboard", api.baseUrl());
        if (waitSeconds > 0) {
            FlinkRest.JobState state = awaitRunning(api, jobId, Duration.ofSeconds(waitSeconds));
            out.printf("job %s: %s%s after %.1f s%n", jobId, state.state(),
                    state.allTasksRunning() ? ", every task running" : "", (System.nanoTime() - t0) / 1e9);
            if (!state.allTasksRunning()) {
                api.latestFailure(jobId).ifPresent(f -> {
                    out.println("its latest failure (dashboard: the job's Exceptions tab): " + f);
                    summary.put("latest_failure", f);
                });
            }
            summary.put("state", state.state());
            summary.put("all_tasks_running", state.allTasksRunning());
            json.print(summary);
            return state.allTasksRunning() ? 0 : 1;
        }
        json.print(summary);
        return 0;
    }

    /** Polls the job until every task runs, it ends, or the wait is over. */
    public static FlinkRest.JobState awaitRunning(FlinkRest api, String jobId, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        FlinkRest.JobState state = api.job(jobId);
        while (!state.allTasksRunning() && System.nanoTime() < deadline
                && !List.of("FAILED", "CANCELED", "FINISHED").contains(state.state())) {
            Thread.sleep(250);
            state = api.job(jobId);
        }
        return state;
    }

    /** The job jar next to the launcher's classes ({@code halp.home} is set by bin/halp). */
    public static Path defaultJar() throws java.io.IOException {
        Path target = Path.of(System.getProperty("halp.home", "."), "flink-job", "target");
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                Optional<Path> found = files.filter(f -> f.getFileName().toString().matches("flink-job-.*-job\\.jar")).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        return target.resolve("flink-job-0.1.0-SNAPSHOT-job.jar");
    }
}
