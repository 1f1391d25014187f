package dev.halp.job.stream;

import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.camera.VideoFeed;
import dev.halp.job.view.ViewServer;
import dev.halp.kafka.record.Json;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/halp run} on its embedded default: a local Kafka broker, a MiniCluster with one host
 * TaskManager and one per secondary (1 slot each), the camera simulator and the job, with live progress
 * and a JSON summary at the end.
 */
public final class EmbeddedRun {

    /**
     * What the cameras publish: {@code frames} in all (0: until stopped); synthetic frames or {@code images}
     * from {@code cameras} cameras at {@code fps}, every {@code corruptEvery}-th truncated (0: none), in
     * {@code sizeCycle} sizes each {@code sizeEvery} frames long (0: one size); or, when {@code videos} is not
     * null, the frames of those videos (one camera each).
     */
    public record Camera(long frames, int cameras, double fps, int width, int height, Path images, int corruptEvery,
                         int sizeCycle, int sizeEvery, VideoFeed videos) {
        public Camera(long frames, int cameras, double fps, int width, int height, Path images) {
            this(frames, cameras, fps, width, height, images, 0, 0, 1, null);
        }

        public Camera(long frames, int cameras, double fps, int width, int height, Path images, int corruptEvery) {
            this(frames, cameras, fps, width, height, images, corruptEvery, 0, 1, null);
        }
    }

    /** The camera id of the uncounted warm-up frames sent before the cameras start. */
    public static final String WARM_UP_CAMERA = "warm-up";

    /** Network memory of each embedded TaskManager. */
    static final String EMBEDDED_NETWORK_MEMORY = "256m";

    private final JobOptions options;
    private final Camera camera;
    private final PrintWriter out;
    private volatile boolean stop;
    /** Frames the broker refused: not in the run (never in Kafka), but reported. */
    private final AtomicLong refused = new AtomicLong();
    private Path resultsOut;
    private int viewPort = -1;

    public EmbeddedRun(JobOptions options, Camera camera, PrintWriter out) {
        this.options = options;
        this.camera = camera;
        this.out = out;
    }

    /** Writes every result and miss record, one JSON line each, to this file at the end. */
    public EmbeddedRun optResultsOut(Path file) {
        this.resultsOut = file;
        return this;
    }

    /** Serves the live view on this port while the run lasts (0: any free port; -1: none). */
    public EmbeddedRun optViewPort(int port) {
        this.viewPort = port;
        return this;
    }

    /** Asks a running {@link #run()} to finish (Ctrl-C). */
    public void stop() {
        stop = true;
    }

    public Map<String, Object> run() throws Exception {
        EmbeddedKafkaBroker broker = null;
        if (options.bootstrap != null) {
            options.startFrom = "latest"; // a broker of the user's may hold frames of earlier runs
        } else {
            broker = EmbeddedKafkaBroker.forTests().start();
            options.bootstrap = broker.bootstrapServers();
            out.println("kafka broker (KRaft) on " + options.bootstrap);
        }
        try (EmbeddedKafkaBroker ignored = broker) {
            if (broker != null) {
                broker.createTopics(1, options.topics());
            }
            if (viewPort < 0) {
                return runJob(broker != null);
            }
            try (ViewServer view = ViewServer.start(options.bootstrap, options.resultsTopic, options.cameraStatsTopic,
                    broker != null ? "earliest" : "latest", "127.0.0.1", viewPort)) {
                out.println("live view on " + view.url());
                return runJob(broker != null);
            }
        }
    }

    private Map<String, Object> runJob(boolean freshBroker) throws Exception {
        Configuration conf = new Configuration();
        // one TaskManager per edge server, plus one per extra merge + head instance of the host
        conf.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, options.slotsNeeded());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE,
                org.apache.flink.configuration.MemorySize.parse(dev.halp.job.cluster.FlinkNodeConfig.NETWORK_SEGMENT));
        // 256 kB buffers: a MiniCluster TaskManager's default 64 MB would hold 256 of them, fewer than MoDNN's
        // 35 stages (VGG-16) need; 256 MB hold 1024
        var network = org.apache.flink.configuration.MemorySize.parse(EMBEDDED_NETWORK_MEMORY);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        StreamingJob.configure(env, options);
        StreamingJob.attachKafka(env, options);
        JobClient job = env.executeAsync("HALP " + options.scheme + " (embedded)");
        out.printf("job %s: %s %s on 1 host + %d secondary TaskManagers%n", job.getJobID(), options.scheme,
                options.model, options.secondaries);
        AtomicLong sent = new AtomicLong();
        Thread producer = new Thread(() -> publish(sent), "camera-simulator");
        // on a broker of the user's, older results may sit in the topics: count only this run's
        try (ResultsWatcher watcher = new ResultsWatcher(options.bootstrap, options.resultsTopic,
                options.deadLetterTopic, freshBroker);
             CameraStatsWatcher stats = new CameraStatsWatcher(options.bootstrap, options.cameraStatsTopic,
                     freshBroker, out)) {
            watcher.poll(Duration.ofMillis(500));
            warmUp(watcher, job);
            producer.start();
            long started = System.currentTimeMillis();
            long lastPrint = started;
            long lastProgress = started;
            long idleLimit = Math.max(60_000, 10 * options.deadlineMs);
            long stopAt = 0;
            while (true) {
                if (stop && stopAt == 0) {
                    // Ctrl-C: no new frames; the ones in flight still end as a result or a miss
                    stopAt = System.currentTimeMillis() + options.deadlineMs + 5_000;
                    producer.interrupt();
                }
                if (watcher.poll(Duration.ofMillis(200)) > 0) {
                    lastProgress = System.currentTimeMillis();
                }
                long now = System.currentTimeMillis();
                if (now - lastPrint >= 2000) {
                    lastPrint = now;
                    double secs = (now - started) / 1000.0;
                    out.printf("frames in %d, out %d (%.1f fps), misses %d, dead letters %d, p50 %.0f ms, p99 %.0f ms,"
                                    + " deadline hit %.1f%%%n", sent.get(), watcher.met() + watcher.missed(),
                            (watcher.met() + watcher.missed()) / secs, watcher.missed(), watcher.deadLetters(),
                            watcher.percentile(50), watcher.percentile(99), 100 * watcher.hitRatio());
                }
                // the camera's thread ends once every frame is acknowledged or refused (refusals are not counted)
                boolean allSent = (stop || camera.frames() > 0) && !producer.isAlive();
                stats.poll(Duration.ZERO);
                if (allSent && watcher.accounted() >= sent.get() || stopAt > 0 && now > stopAt) {
                    awaitLastWindows(stats, watcher, job);
                    break;
                }
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    out.println("the job ended: " + job.getJobStatus().get() + " (see the log on standard error)");
                    break;
                }
                if (now - lastProgress > idleLimit) {
                    out.println("no result for " + idleLimit / 1000 + " s: stopping");
                    break;
                }
            }
            producer.interrupt();
            producer.join(10_000);
            // what the job holds after its frames, taken while it still runs: caches and the heap after a GC
            Map<String, Object> held = held();
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            Map<String, Object> summary = watcher.summary(sent.get());
            if (options.statsWindowS > 0) {
                summary.put("camera_stats", stats.latest());
            }
            summary.put("camera_refused", refused.get());
            summary.putAll(held);
            if (resultsOut != null) {
                java.nio.file.Files.write(resultsOut, watcher.results().stream().map(Json::write).toList());
            }
            return summary;
        }
    }

    /**
     * Waits for the statistics windows that hold the run's last frames: they close once the results have been
     * silent for a moment and the watermark has passed their end (at most a window, the results' out-of-order
     * bound and the idle time after the last frame).
     */
    private void awaitLastWindows(CameraStatsWatcher stats, ResultsWatcher watcher, JobClient job) throws Exception {
        if (options.statsWindowS <= 0) {
            return;
        }
        long until = System.currentTimeMillis() + 1000 * options.statsWindowS + options.resultsOutOfOrderMs()
                + HalpJob.STATS_IDLE_MS + 5_000;
        Map<String, Long> last = watcher.lastCaptureByCamera();
        while (!stats.covers(last) && System.currentTimeMillis() < until
                && !job.getJobStatus().get().isGloballyTerminalState()) {
            stats.poll(Duration.ofMillis(200));
        }
    }

    /**
     * Every cache of this process (the MiniCluster's TaskManagers run here) with its fullest size and bound, and
     * the heap in use after a full collection: a long run shows here whether per-frame or per-size state grows.
     */
    private static Map<String, Object> held() {
        var census = dev.halp.partitioner.util.BoundedCache.census();
        Map<String, Object> caches = new java.util.TreeMap<>();
        census.forEach((name, c) -> caches.put(name,
                Map.of("instances", c.instances(), "largest", c.largest(), "bound", c.bound())));
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> held = new java.util.LinkedHashMap<>();
        held.put("caches", caches);
        held.put("caches_within_bounds", census.values().stream().allMatch(c -> c.largest() <= c.bound()));
        held.put("heap_after_gc_mb", (rt.totalMemory() - rt.freeMemory()) >> 20);
        return held;
    }

    /** Warm-up frames before the cameras start: the first ones run cold (JIT, the engine's first shapes). */
    static final int WARM_UP_FRAMES = 3;

    /**
     * Uncounted frames through the whole pipeline, one after the other, so the cameras start on a warm job
     * whose edge servers have reported warm speeds. Each is a probe frame (its sequence a multiple of
     * {@code --probe-every}), so it goes to every secondary even if a cold one was rescued and marked silent.
     * A frame is sent again after 5 s without a result: a source that starts at the latest offsets may begin
     * after the first one was written.
     */
    private void warmUp(ResultsWatcher watcher, JobClient job) throws Exception {
        long until = System.currentTimeMillis() + 180_000;
        long nextSend = 0;
        int seen = 0;
        try (CameraSimulator sim = simulator()) {
            for (long n = 0; watcher.warmUps() < WARM_UP_FRAMES && !stop && System.currentTimeMillis() < until
                    && !job.getJobStatus().get().isGloballyTerminalState(); ) {
                if (System.currentTimeMillis() >= nextSend || watcher.warmUps() > seen) {
                    seen = watcher.warmUps();
                    sim.send(sim.frame(WARM_UP_CAMERA, n++ * options.probeEvery, System.currentTimeMillis(), 0));
                    nextSend = System.currentTimeMillis() + 5_000;
                }
                watcher.poll(Duration.ofMillis(200));
            }
        }
        out.println(watcher.warmUps() > 0 ? "pipeline warm: starting the cameras" : "no warm-up result: starting anyway");
    }

    private CameraSimulator simulator() {
        return CameraSimulator.builder().setBootstrap(options.bootstrap)
                .setTopic(options.framesTopic).optCameras(camera.cameras())
                .optFps(camera.fps() > 0 ? camera.fps() : 1) // videos at their own rate: the warm-up's pace
                .optSize(camera.width(), camera.height()).optImages(camera.images())
                .optCorruptEvery(camera.corruptEvery()).optSizeCycle(camera.sizeCycle(), camera.sizeEvery()).build();
    }

    private void publish(AtomicLong sent) {
        try (CameraSimulator sim = simulator()) {
            try {
                if (camera.videos() == null) {
                    sim.run(camera.frames(), sent::set);
                } else {
                    sim.runVideos(camera.videos(), camera.frames(), sent::set);
                }
            } finally {
                refused.set(sim.failed());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
