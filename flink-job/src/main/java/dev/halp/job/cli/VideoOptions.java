package dev.halp.job.cli;

import dev.halp.kafka.camera.VideoFeed;
import dev.halp.kafka.camera.VideoSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --video}, {@code --loop}, {@code --payload} and {@code --jpeg-quality}, shared by {@code run} and {@code camera} (a picocli mixin). */
final class VideoOptions {

    @Option(names = "--video", description = "publish the frames of this video file (MP4, MJPEG, anything ffmpeg "
            + "reads) or live stream URL (rtsp://, http://) instead of synthetic frames, replayed in real time at its "
            + "own rate (or sampled at --fps when given); repeat it for more cameras (cam-0, cam-1, ...). Needs "
            + "ffmpeg on PATH")
    List<String> videos = new ArrayList<>();

    @Option(names = "--loop", description = "with --video: start a file again at its end")
    boolean loop;

    @Option(names = "--payload", defaultValue = "rgb", description = "with --video: frames on Kafka as raw RGB or as "
            + "JPEG (a tenth of the bytes at quality 90; the job decodes them before the split): rgb|jpeg "
            + "(default: ${DEFAULT-VALUE})")
    String payload;

    @Option(names = "--jpeg-quality", defaultValue = "90", description = "with --payload jpeg: 1..100 "
            + "(default: ${DEFAULT-VALUE})")
    int jpegQuality;

    boolean any() {
        return !videos.isEmpty();
    }

    /**
     * Checks every source before anything starts (see {@link Options#videos}) and returns the first one's
     * size and rate; {@code images}: the command's {@code --images}, which cannot be combined with videos.
     */
    VideoSource.Info check(CommandSpec spec, Object images) {
        if (images != null) {
            throw Options.bad(spec, "--video", "cannot be combined with --images");
        }
        return Options.videos(spec, videos);
    }

    /**
     * The feed the cameras publish: sampled at {@code --fps} when given on the command line (else at the videos'
     * own rates), as {@code --payload} says.
     */
    VideoFeed feed(CommandSpec spec, double fps) {
        boolean jpeg = switch (payload) {
            case "rgb" -> false;
            case "jpeg" -> true;
            default -> throw Options.bad(spec, "--payload", "must be rgb or jpeg, got '" + payload + "'");
        };
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw Options.bad(spec, "--jpeg-quality", "must be 1..100, got " + jpegQuality);
        }
        double rate = spec.commandLine().getParseResult().hasMatchedOption("--fps") ? fps : 0;
        return new VideoFeed(videos, rate, loop, jpeg ? jpegQuality : 0);
    }
}
