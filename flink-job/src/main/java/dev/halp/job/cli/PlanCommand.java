package dev.halp.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.scheme.CollaborationScheme;
import dev.halp.partitioner.scheme.SchemePlan;
import dev.halp.partitioner.scheme.Schemes;
import dev.halp.partitioner.scheme.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Plans one frame (or batch) with a scheme for a host and N identical secondaries and prints the plan:
 * blocks, rows per participant, predicted finish and speedup over the host alone. {@code --bench N}
 * times N plans after warm-up (at least N plans and 2 s, up to 300 plans within 10 s) and prints the median
 * time per plan.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan a frame with Local, MoDNN or HALP and print the predicted timeline.")
final class PlanCommand extends FrameCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;


    @Option(names = "--secondaries", defaultValue = "2", description = "secondary edge servers (default: ${DEFAULT-VALUE})")
    int secondaries;

    @Option(names = "--profile", defaultValue = "gtx1080ti",
            description = "device profile of every ES: gtx1080ti, xavier, h100 or a profile file (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--host-profile", description = "the host's profile, if it differs from --profile")
    String hostProfile;

    @Option(names = "--bandwidth-mbps", defaultValue = "1000", description = "host-secondary link bandwidth (default: ${DEFAULT-VALUE})")
    double bandwidth;

    @Option(names = "--latency-ms", defaultValue = "0.1", description = "one-way link latency (default: ${DEFAULT-VALUE})")
    double latency;

    @Option(names = "--scheme", defaultValue = "halp", description = "local, modnn or halp (default: ${DEFAULT-VALUE})")
    String scheme;

    @Option(names = "--tasks", defaultValue = "1", description = "frames per batch (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--out", description = "also write the plan as JSON to this file (input of verify --plan)")
    Path out;

    @Option(names = "--bench", defaultValue = "0", description = "time this many plans after warm-up (at least as many plans and 2 s, up to 300 plans); prints the median")
    int bench;

    @picocli.CommandLine.Mixin
    JsonSummary json;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = validatedModel(this.spec);
        if (secondaries < 0) {
            throw Options.bad(this.spec, "--secondaries", "must not be negative, got " + secondaries);
        }
        if (!(bandwidth > 0)) {
            throw Options.bad(this.spec, "--bandwidth-mbps", "must be positive, got " + bandwidth);
        }
        if (latency < 0) {
            throw Options.bad(this.spec, "--latency-ms", "must not be negative, got " + latency);
        }
        if (tasks < 1 || bench < 0) {
            throw Options.bad(this.spec, tasks < 1 ? "--tasks" : "--bench", "must be at least " + (tasks < 1 ? 1 : 0));
        }
        CollaborationScheme s;
        try {
            s = Schemes.byName(scheme);
        } catch (IllegalArgumentException e) {
            throw Options.bad(this.spec, "--scheme", e.getMessage());
        }
        DeviceProfile device = profile("--profile", profile);
        DeviceProfile host = hostProfile == null ? device : profile("--host-profile", hostProfile);
        Cluster cluster = new Cluster(host, java.util.Collections.nCopies(secondaries, device),
                dev.halp.partitioner.cost.Network.uniform(secondaries, new Link(bandwidth, latency)), 1, 4);
        Workload w = new Workload(spec, height, width, tasks);
        SchemePlan plan;
        try {
            plan = s.plan(w, cluster);
        } catch (IllegalArgumentException e) {
            throw Options.bad(this.spec, "--profile", e.getMessage());
        }
        PrintWriter o = json.progress();
        print(o, plan);
        Map<String, Object> result = PlanJson.toMap(plan);
        if (bench > 0) {
            double perPlan = bench(s, w, cluster);
            o.printf("planning time: %.3f ms per plan (median of %d plans after %d warm-up plans)%n", perPlan, bench,
                    warmUps);
            result.put("plan_ms", PlanJson.round(perPlan));
        }
        if (out != null) {
            Files.writeString(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                    PlanJson.toMap(plan)));
            o.println("plan written to " + out);
        }
        json.print(result);
        return 0;
    }

    private DeviceProfile profile(String option, String value) {
        try {
            return Profiles.byNameOrFile(value);
        } catch (IllegalArgumentException e) {
            throw Options.bad(this.spec, option, e.getMessage());
        }
    }

    /**
     * Warm-up: at least --bench plans and 2 s, and up to 300 plans within 10 s, so that the JIT has compiled
     * the planner's hot paths (fewer than about 200 plans leave them interpreted in part).
     */
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final long WARM_UP_MAX_NANOS = 10_000_000_000L;
    private static final int WARM_UP_PLANS = 300;

    private int warmUps;

    private double bench(CollaborationScheme s, Workload w, Cluster cluster) {
        long start = System.nanoTime();
        warmUps = 0;
        while (warmUps < bench || System.nanoTime() - start < WARM_UP_NANOS
                || (warmUps < WARM_UP_PLANS && System.nanoTime() - start < WARM_UP_MAX_NANOS)) {
            s.plan(w, cluster);
            warmUps++;
        }
        double[] ms = new double[bench];
        for (int i = 0; i < bench; i++) {
            long t0 = System.nanoTime();
            s.plan(w, cluster);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[bench / 2];
    }

    static void print(PrintWriter o, SchemePlan p) {
        var plan = p.plan();
        o.printf("%s plan: %s %dx%d, %d secondaries (%d used), %d task(s), exchange %s%n", p.scheme(),
                plan.model().name(), plan.height(), plan.width(), plan.secondaries(), p.secondariesUsed(),
                p.workload().tasks(), plan.exchange());
        o.printf("%-5s %-10s %s%n", "block", "layers", "pieces (S_i: secondary i's rows, Z: host zone rows)");
        for (int b = 0; b < plan.blocks().size(); b++) {
            BlockPlan bp = plan.blocks().get(b);
            o.printf("%-5d %-10s %s%n", b, bp.block().first() + ".." + (bp.block().last() - 1), bp.pieces());
        }
        o.printf("predicted finish %.3f ms (mean latency %.3f ms), host alone %.3f ms: speedup %.2fx%n",
                p.finishMs(), p.meanLatencyMs(), p.localMs(), p.speedup());
    }
}
