package dev.halp.kafka.camera;

import dev.halp.kafka.record.Json;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frames of a video file or a live stream, decoded by Debian's {@code ffmpeg} in a subprocess that
 * writes raw RGB24 frames to a pipe (it speaks MP4/H.264, MJPEG, RTSP, HTTP and the rest). A file is
 * replayed in real time ({@code -re}) at its own frame rate, or sampled at {@code fps}; a live stream is read
 * as it comes, and ffmpeg gives up on one that stalls for 10 s. Owns the subprocess: {@link #close()} ends it.
 */
public final class VideoSource implements AutoCloseable {

    /** A video's frame size and rate, as {@code ffprobe} reports its first video stream. */
    public record Info(int width, int height, double fps) {
    }

    private final String source;
    private final Info info;
    private final Process process;
    private final DataInputStream frames;
    private final File errors;

    /** {@code fps}: sample at this rate (0: the source's own); {@code loop}: a file starts again at its end. */
    public VideoSource(String source, double fps, boolean loop) throws IOException {
        this.source = source;
        Info probed = probe(source);
        this.info = new Info(probed.width(), probed.height(), fps > 0 ? fps : probed.fps());
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"));
        if (isLive(source)) {
            cmd.addAll(List.of("-rw_timeout", "10000000")); // microseconds: a stalled stream is an error, not a hang
        } else {
            cmd.add("-re");
            if (loop) {
                cmd.addAll(List.of("-stream_loop", "-1"));
            }
        }
        cmd.addAll(List.of("-i", source));
        if (fps > 0) {
            cmd.addAll(List.of("-vf", "fps=" + fps));
        }
        cmd.addAll(List.of("-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"));
        errors = File.createTempFile("halp-ffmpeg", ".log");
        errors.deleteOnExit();
        process = start(cmd, errors);
        frames = new DataInputStream(process.getInputStream());
    }

    public Info info() {
        return info;
    }

    /** A URL other than {@code file:}: a live stream (wall-clock capture times, reconnects). */
    public static boolean isLive(String source) {
        return source.contains("://") && !source.startsWith("file:");
    }

    /** The next frame, {@code width * height * 3} bytes of RGB; null at the end of a file. */
    public byte[] next() throws IOException {
        byte[] frame = new byte[info.width() * info.height() * 3];
        try {
            frames.readFully(frame);
            return frame;
        } catch (EOFException end) {
            try {
                int status = process.waitFor();
                if (status != 0) {
                    throw new IOException("ffmpeg stopped on " + source + " (exit " + status + "): " + errorTail());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    /** Width, height and frame rate of {@code source}'s first video stream, by {@code ffprobe}. */
    @SuppressWarnings("unchecked")
    public static Info probe(String source) throws IOException {
        File err = File.createTempFile("halp-ffprobe", ".log");
        try {
            Process p = start(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=width,height,avg_frame_rate,r_frame_rate", "-of", "json", source), err);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            List<Map<String, Object>> streams = (List<Map<String, Object>>) Json.read(out.isBlank() ? "{}" : out,
                    Map.class).getOrDefault("streams", List.of());
            if (status != 0 || streams.isEmpty()) {
                throw new IOException("no video stream in " + source + ": "
                        + Files.readString(err.toPath()).strip());
            }
            Map<String, Object> s = streams.get(0);
            double fps = rate((String) s.get("avg_frame_rate"));
            return new Info(((Number) s.get("width")).intValue(), ((Number) s.get("height")).intValue(),
                    fps > 0 ? fps : rate((String) s.get("r_frame_rate")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + source, e);
        } finally {
            Files.deleteIfExists(err.toPath());
        }
    }

    /** "30000/1001" to 29.97; 0 when unknown. */
    static double rate(String fraction) {
        if (fraction == null || !fraction.matches("\\d+(/\\d+)?")) {
            return 0;
        }
        String[] p = fraction.split("/");
        double den = p.length > 1 ? Double.parseDouble(p[1]) : 1;
        return den == 0 ? 0 : Double.parseDouble(p[0]) / den;
    }

    private static Process start(List<String> cmd, File errors) throws IOException {
        try {
            return new ProcessBuilder(cmd).redirectError(errors).start();
        } catch (IOException e) {
            throw new IOException(cmd.get(0) + " is not installed or not on PATH (Debian: apt-get install ffmpeg): "
                    + e.getMessage(), e);
        }
    }

    private String errorTail() {
        try {
            String all = Files.readString(errors.toPath()).strip();
            return all.length() > 500 ? all.substring(all.length() - 500) : all;
        } catch (IOException e) {
            return "(no error output)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            frames.close();
        } catch (IOException ignored) {
            // the process is gone
        }
        errors.delete();
    }
}
