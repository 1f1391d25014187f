package dev.halp.job.bench;

import dev.halp.job.stream.EmbeddedRun;
import dev.halp.job.stream.JobOptions;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault scenarios, each a full embedded run (Kafka broker, MiniCluster with a host and the secondaries'
 * TaskManagers, camera, job): a clean baseline; malformed records (every 4th truncated); a secondary that
 * stops answering (the host rescues its rows); overload at twice the frame rate the baseline sustained
 * (frames that cannot make their deadline are shed); a secondary slowed from frame 5 on, and a secondary's
 * link degraded for frames 5 to 14, each with the static plan, with online re-planning ({@code --adaptive}) and
 * with the plan chosen per frame ({@code --scheme auto}; also under overload). One table: every frame must end in exactly one result,
 * miss or dead letter ({@code lost == 0}, {@code duplicates == 0}).
 */
public final class FaultsBench {

    /** The degraded link's rate: slow enough that the static plan misses its 2 s deadlines at 224x224. */
    static final double LINK_MBPS = 4;

    private final String model;
    private final int height;
    private final int width;
    private final int secondaries;
    private final long frames;
    private final PrintWriter out;

    public FaultsBench(String model, int height, int width, int secondaries, long frames, PrintWriter out) {
        this.model = model;
        this.height = height;
        this.width = width;
        this.secondaries = secondaries;
        this.frames = frames;
        this.out = out;
    }

    public List<Map<String, Object>> run() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> baseline = scenario("baseline", 1.0, 0);
        rows.add(baseline);
        rows.add(scenario("malformed input (1 in 4)", 1.0, 4));
        rows.add(scenario("silent secondary 0", 1.0, 0, "--fault-stall-secondary", "0"));
        @SuppressWarnings("unchecked")
        Map<String, Long> compute = (Map<String, Long>) baseline.get("compute_ms_per_frame_by_es");
        long slowest = compute.values().stream().mapToLong(Long::longValue).max().orElse(1000);
        double sustainable = 1000.0 / Math.max(1, slowest);
        rows.add(scenario(String.format("overload (2 x %.1f fps)", sustainable), 2 * sustainable, 0));
        // admission control: frames predicted to miss are shed at the split, so the cores go to frames that can make it
        rows.add(scenario(String.format("overload (2 x %.1f fps), predicted-late shed", sustainable), 2 * sustainable, 0,
                "--shed-predicted-late"));
        // deadline-aware serving: the plan chosen per frame by its predicted finish, frames predicted late shed
        rows.add(scenario(String.format("overload (2 x %.1f fps), auto", sustainable), 2 * sustainable, 0,
                "--scheme", "auto"));
        // rescues off in the pairs below: they would drop the slow secondary from the plan and hide the plans' difference
        String[] slow = {"--fault-slow-secondary", "0", "--fault-slow-ms-per-row", "1.5", "--fault-slow-from-frame", "5",
                "--rescue-margin-ms", "0"};
        rows.add(scenario("slowed secondary 0, static", 1.0, 0, slow));
        rows.add(scenario("slowed secondary 0, adaptive", 1.0, 0, adaptive(slow)));
        // a time-variant link: secondary 0's link drops to LINK_MBPS for frames [5, 15), then recovers
        String[] link = {"--fault-link-secondary", "0", "--fault-link-mbps", Double.toString(LINK_MBPS),
                "--fault-link-from-frame", "5", "--fault-link-until-frame", "15", "--rescue-margin-ms", "0"};
        rows.add(scenario("link of secondary 0, static", 1.0, 0, link));
        rows.add(scenario("link of secondary 0, adaptive", 1.0, 0, adaptive(link)));
        rows.add(scenario("link of secondary 0, auto", 1.0, 0, with(link, "--scheme", "auto")));
        // clocks that disagree: shedding and the adaptive shares must not notice (time stamps never cross hosts)
        rows.add(scenario("clock skew +2 s on secondary 0", 1.0, 0, adaptive(new String[] {
                "--fault-clock-skew-secondary", "0", "--fault-clock-skew-ms", "2000"})));
        rows.add(scenario("clock skew -2 s on secondary 0", 1.0, 0, adaptive(new String[] {
                "--fault-clock-skew-secondary", "0", "--fault-clock-skew-ms", "-2000"})));
        out.printf("%n%-40s %9s %8s %7s %12s %10s %5s %13s %14s%n", "scenario", "frames_in", "results", "misses",
                "dead_letters", "duplicates", "lost", "deadline_hit", "pred_err_p50");
        for (Map<String, Object> r : rows) {
            out.printf("%-40s %9d %8d %7d %12d %10d %5d %13.3f %14s%n", r.get("scenario"), r.get("frames_in"),
                    r.get("results"), r.get("misses"), r.get("dead_letters"), r.get("duplicates"), r.get("lost"),
                    (Double) r.get("deadline_hit_ratio"), r.get("prediction_error_p50_ms") == null ? "-"
                            : r.get("prediction_error_p50_ms") + " ms");
        }
        out.println("slowed secondary: from frame 5 secondary 0 takes 1.5 ms more per row; link: secondary 0's link"
                + " carries " + LINK_MBPS + " Mbit/s both ways for frames 5 to 14 (injected in the MiniCluster); rescues off;"
                + " adaptive: shares follow each secondary's measured compute + link ms per row; auto: per frame, the plan"
                + " predicted to finish first (Local, or HALP on the fastest secondaries), frames predicted late shed");
        return rows;
    }

    private static String[] adaptive(String[] args) {
        return with(args, "--adaptive");
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    private Map<String, Object> scenario(String name, double fps, int corruptEvery, String... extra) throws Exception {
        out.println("== " + name);
        List<String> args = new ArrayList<>(List.of("--model", model, "--secondaries", Integer.toString(secondaries),
                "--warmup-size", height + "x" + width));
        args.addAll(List.of(extra));
        if (!args.contains("--scheme")) {
            args.addAll(List.of("--scheme", "halp"));
        }
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        options.validate();
        StringWriter log = new StringWriter();
        Map<String, Object> summary = new EmbeddedRun(options,
                new EmbeddedRun.Camera(frames, 1, fps, width, height, null, corruptEvery), new PrintWriter(log, true)).run();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", name);
        row.putAll(summary);
        out.printf("   frames_in %s, results %s, misses %s, dead letters %s, p50 %s ms, p99 %s ms%n",
                summary.get("frames_in"), summary.get("results"), summary.get("misses"), summary.get("dead_letters"),
                summary.get("p50_ms"), summary.get("p99_ms"));
        return row;
    }
}
