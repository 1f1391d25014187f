package dev.halp.job.cli;

import dev.halp.job.stream.EmbeddedRun;
import dev.halp.job.stream.JobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The streaming job on its embedded default: local broker, MiniCluster (1 host + N secondary
 * TaskManagers), camera simulator. Ends with one JSON summary line; exit 1 if a frame was lost.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the HALP streaming job: Kafka frames -> split across secondary TaskManagers -> results.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job = new JobOptions();

    @Option(names = "--frames", defaultValue = "0", description = "stop after N frames (default: run until Ctrl-C)")
    long frames;

    @Option(names = "--cameras", defaultValue = "1", description = "simulated cameras (default: ${DEFAULT-VALUE})")
    int cameras;

    @Option(names = "--fps", defaultValue = "1", description = "frames per second per camera; with --video, sample "
            + "the videos at this rate (default: ${DEFAULT-VALUE}; with --video: the video's own rate)")
    double fps;

    @Option(names = "--width", defaultValue = "224", description = "frame width (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "224", description = "frame height (default: ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--images", description = "publish the JPEG/PNG files of this directory instead of synthetic frames")
    Path images;

    @Mixin
    VideoOptions video = new VideoOptions();

    @Option(names = "--size-cycle", defaultValue = "0",
            description = "frames of N sizes in turn, each 8 rows and columns larger than the one before (long runs: "
                    + "per-size state must stay bounded; default: one size)")
    int sizeCycle;

    @Option(names = "--size-every", defaultValue = "10", description = "frames per size with --size-cycle (default: ${DEFAULT-VALUE})")
    int sizeEvery;

    @Option(names = "--view-port", defaultValue = "-1", description = "also serve the live view (bin/halp view) on "
            + "this port, 0 for any free one, and print its URL (default: none)")
    int viewPort;

    @Option(names = "--results-out", description = "write every result and miss record (JSON lines) to this file at the end")
    Path resultsOut;

    @picocli.CommandLine.Mixin
    JsonSummary json;

    @Override
    public Integer call() throws Exception {
        dev.halp.kafka.camera.VideoFeed feed = null;
        if (video.any()) {
            dev.halp.kafka.camera.VideoSource.Info info = video.check(spec, images);
            // the first video's size warms the job up; frames of other sizes are planned when they come
            width = info.width();
            height = info.height();
            cameras = video.videos.size();
            feed = video.feed(spec, fps);
            fps = feed.fps();
        }
        job.warmupSize = java.util.List.of(height + "x" + width);
        try {
            job.validate();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (viewPort < -1 || viewPort > 65535) {
            throw Options.bad(spec, "--view-port", "not a port: " + viewPort);
        }
        if (frames < 0) {
            throw Options.bad(spec, "--frames", "must not be negative");
        }
        if (cameras < 1 || !(fps > 0) && !video.any() || fps < 0) {
            throw Options.bad(spec, cameras < 1 ? "--cameras" : "--fps", "must be positive");
        }
        if (job.resizing() == null) {
            Options.frameSize(spec, Options.model(spec, job.model), height, width);
        }
        if (sizeCycle < 0 || sizeEvery < 1) {
            throw Options.bad(spec, sizeCycle < 0 ? "--size-cycle" : "--size-every", "out of range");
        }
        if (sizeCycle > 1 && (height + 8 * (sizeCycle - 1) > job.maxHeight || width + 8 * (sizeCycle - 1) > job.maxWidth)) {
            throw Options.bad(spec, "--size-cycle", "the largest frame would exceed --max-height/--max-width");
        }
        if (images != null && !java.nio.file.Files.isDirectory(images)) {
            throw Options.bad(spec, "--images", "not a directory: " + images);
        }
        if (job.bootstrap != null) {
            try {
                dev.halp.job.stream.TopicCheck.check(job); // your broker: the embedded one gets its topics created
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        EmbeddedRun run = new EmbeddedRun(job, new EmbeddedRun.Camera(frames, cameras, fps, width, height, images, 0,
                sizeCycle, sizeEvery, feed),
                json.progress()).optResultsOut(resultsOut).optViewPort(viewPort);
        // Ctrl-C: ask the run to finish, and hold the JVM until it has cancelled the job, printed its
        // summary and stopped the broker
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.stop();
            try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "halp-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> summary;
        try {
            summary = run.run();
        } finally {
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running
        }
        spec.commandLine().getOut().println(dev.halp.kafka.record.Json.write(summary));
        long in = ((Number) summary.get("frames_in")).longValue();
        long accounted = ((Number) summary.get("results")).longValue() + ((Number) summary.get("misses")).longValue()
                + ((Number) summary.get("dead_letters")).longValue();
        boolean refused = ((Number) summary.getOrDefault("camera_refused", 0)).longValue() > 0;
        return accounted == in && !refused ? 0 : 1;
    }
}
