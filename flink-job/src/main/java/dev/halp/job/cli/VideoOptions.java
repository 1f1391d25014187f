package dev.halp.job.cli;

import dev.halp.kafka.camera.VideoSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --video} and {@code --loop}, shared by {@code run} and {@code camera} (a picocli mixin). */
final class VideoOptions {

    @Option(names = "--video", description = "publish the frames of this video file (MP4, MJPEG, anything ffmpeg "
            + "reads) or live stream URL (rtsp://, http://) instead of synthetic frames, replayed in real time at its "
            + "own rate (or sampled at --fps when given); repeat it for more cameras (cam-0, cam-1, ...). Needs "
            + "ffmpeg on PATH")
    List<String> videos = new ArrayList<>();

    @Option(names = "--loop", description = "with --video: start a file again at its end")
    boolean loop;

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

    /** The rate to sample at: {@code --fps} when given on the command line, else 0 (the videos' own). */
    static double fps(CommandSpec spec, double fps) {
        return spec.commandLine().getParseResult().hasMatchedOption("--fps") ? fps : 0;
    }
}
