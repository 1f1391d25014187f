package dev.halp.kafka.camera;

import java.util.List;

/**
 * What the cameras of {@link CameraSimulator#runVideos} publish: one camera per source (a video file or a live
 * stream URL, in the order given), at each source's own rate or sampled at {@code fps} (0: the source's own),
 * files started again at their end when {@code loop}, frames sent as raw RGB ({@code jpegQuality} 0) or as JPEG
 * of that quality (1–100: a tenth of the bytes on Kafka at 90, decoded by the job before the split).
 */
public record VideoFeed(List<String> sources, double fps, boolean loop, int jpegQuality) {

    public VideoFeed {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no video sources");
        }
        if (fps < 0 || Double.isNaN(fps)) {
            throw new IllegalArgumentException("fps must not be negative");
        }
        if (jpegQuality < 0 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100 (0: raw RGB), got " + jpegQuality);
        }
    }

    /** Raw RGB frames at the sources' own rates, files played once. */
    public static VideoFeed of(List<String> sources) {
        return new VideoFeed(sources, 0, false, 0);
    }
}
