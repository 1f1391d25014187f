package dev.halp.job.cli;

import dev.halp.kafka.camera.CameraSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Publishes synthetic frames or image files to Kafka with real capture times. */
@Command(name = "camera", mixinStandardHelpOptions = true, description = "Camera simulator: publish frames to Kafka.")
final class CameraCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "(default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "frames", description = "(default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--cameras", defaultValue = "4", description = "(default: ${DEFAULT-VALUE})")
    int cameras;

    @Option(names = "--fps", defaultValue = "10", description = "per camera (default: ${DEFAULT-VALUE})")
    double fps;

    @Option(names = "--width", defaultValue = "224", description = "(default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "224", description = "(default: ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--images", description = "directory of .jpg/.png files to publish in rotation")
    Path images;

    @Option(names = "--frames", defaultValue = "0", description = "frames in total (default: until Ctrl-C)")
    long frames;

    @picocli.CommandLine.Mixin
    VideoOptions video = new VideoOptions();

    @picocli.CommandLine.Mixin
    JsonSummary json;

    @Override
    public Integer call() throws Exception {
        if (cameras < 1) {
            throw Options.bad(spec, "--cameras", "must be at least 1");
        }
        if (!(fps > 0)) {
            throw Options.bad(spec, "--fps", "must be positive");
        }
        if (width < 1 || height < 1) {
            throw Options.bad(spec, width < 1 ? "--width" : "--height", "must be positive");
        }
        if (images != null && !Files.isDirectory(images)) {
            throw Options.bad(spec, "--images", "not a directory: " + images);
        }
        dev.halp.kafka.camera.VideoFeed feed = null;
        if (video.any()) {
            video.check(spec, images);
            feed = video.feed(spec, fps);
            cameras = video.videos.size();
        }
        PrintWriter out = json.progress();
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(bootstrap).setTopic(topic)
                .optCameras(cameras).optFps(fps).optSize(width, height).optImages(images).build()) {
            java.util.function.LongConsumer progress = n -> {
                if (n % 50 == 0) {
                    out.println("sent " + n + " frames");
                }
            };
            long sent = feed != null ? sim.runVideos(feed, frames, progress)
                    : sim.run(frames, progress);
            out.println("sent " + sent + " frames to " + topic + " on " + bootstrap);
            if (sim.failed() > 0) {
                out.println(sim.failed() + " frames were refused (see above)");
            }
            json.print(java.util.Map.of("sent", sent, "refused", sim.failed(), "topic", topic, "bootstrap", bootstrap,
                    "cameras", cameras));
            return sim.failed() == 0 ? 0 : 1;
        }
    }
}
