package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run --video}: real video files, made here by Debian's ffmpeg from its test sources, decoded by an
 * ffmpeg subprocess and published to Kafka as cameras; the job's results keep the cameras apart.
 */
class VideoRunTest {

    /** A {@code seconds}-long MP4 (H.264) of ffmpeg's test pattern at {@code size} and {@code rate} frames/s. */
    static Path video(Path dir, String name, String size, int rate, int seconds) throws Exception {
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=" + size + ":rate=" + rate, "-t", Integer.toString(seconds), "-pix_fmt", "yuv420p",
                out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ffmpeg (install Debian's ffmpeg): " + log);
        return out;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoVideosAreTwoCamerasWithTheirFramesInOrderAtTheirFrameInterval(@TempDir Path dir) throws Exception {
        Path a = video(dir, "a.mp4", "96x64", 10, 2);
        Path b = video(dir, "b.mp4", "96x64", 5, 3);
        Path results = dir.resolve("results.jsonl");
        List<String> names = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
        Path labels = Files.write(dir.resolve("labels.txt"), names);
        VerifyCommandTest.Run r = VerifyCommandTest.halp("run", "--model", "tiny", "--video", a.toString(),
                "--video", b.toString(), "--payload", "jpeg", "--frames", "24", "--labels", labels.toString(), "--stats-window-s", "1",
                "--results-out", results.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = r.json();
        assertEquals(24, j.get("frames_in").asInt(), j.toString());
        assertEquals(24, j.get("results").asInt() + j.get("misses").asInt(), j.toString());
        Map<String, List<ResultRecord>> byCamera = Files.readAllLines(results).stream()
                .map(l -> Json.read(l, ResultRecord.class))
                .collect(Collectors.groupingBy(x -> x.cameraId, TreeMap::new, Collectors.toList()));
        assertEquals(List.of("cam-0", "cam-1"), List.copyOf(byCamera.keySet()));
        Map<String, Long> interval = Map.of("cam-0", 100L, "cam-1", 200L);
        byCamera.forEach((camera, list) -> {
            list.sort(Comparator.comparingLong(x -> x.sequence));
            for (int i = 0; i < list.size(); i++) {
                assertEquals(i, list.get(i).sequence, camera + ": sequence numbers in order, none missing");
                assertEquals(96, list.get(i).width);
                ResultRecord res = list.get(i);
                if (res.top5 != null) {
                    res.top5.forEach(c -> assertEquals(names.get(c.index), c.label, "--labels names the classes"));
                }
                if (i > 0) {
                    assertEquals(interval.get(camera), list.get(i).captureMillis - list.get(i - 1).captureMillis,
                            camera + ": capture times follow the video's frame interval");
                }
            }
        });
        assertTrue(byCamera.get("cam-0").size() > byCamera.get("cam-1").size(), "10 frames/s against 5");

        // camera-stats: each camera's windows add up to its own results, nothing of the other camera's
        Map<String, List<JsonNode>> windows = new TreeMap<>();
        j.get("camera_stats").forEach(w -> windows.computeIfAbsent(w.get("cameraId").asText(), c -> new java.util.ArrayList<>()).add(w));
        assertEquals(List.of("cam-0", "cam-1"), List.copyOf(windows.keySet()), j.get("camera_stats").toString());
        byCamera.forEach((camera, list) -> {
            List<JsonNode> ws = windows.get(camera);
            assertTrue(ws.size() >= 2, camera + ": a 2-3 s video in 1 s windows: " + ws);
            assertEquals(list.size(), ws.stream().mapToLong(w -> w.get("frames").asLong()).sum(), camera + " frames");
            assertEquals(list.stream().filter(ResultRecord::met).count(),
                    ws.stream().mapToLong(w -> w.get("met").asLong()).sum(), camera + " met");
            Map<String, Long> top1 = new TreeMap<>();
            list.stream().filter(ResultRecord::met).forEach(x -> top1.merge(x.top5.get(0).label, 1L, Long::sum));
            Map<String, Long> counted = new TreeMap<>();
            ws.forEach(w -> w.get("top1").fields().forEachRemaining(e -> counted.merge(e.getKey(), e.getValue().asLong(), Long::sum)));
            assertEquals(top1, counted, camera + ": top-1 labels");
            for (JsonNode w : ws) {
                assertEquals(1000, w.get("windowEnd").asLong() - w.get("windowStart").asLong());
                long inWindow = list.stream().filter(x -> x.captureMillis >= w.get("windowStart").asLong()
                        && x.captureMillis < w.get("windowEnd").asLong()).count();
                assertEquals(inWindow, w.get("frames").asLong(), camera + ": frames by capture time in " + w);
            }
        });
        assertTrue(byCamera.values().stream().flatMap(List::stream).anyMatch(x -> x.top5 != null), "computed frames");
    }

    @Test
    void aVideoThatDoesNotExistFailsBeforeTheJobStartsNamingTheOption(@TempDir Path dir) {
        VerifyCommandTest.Run r = VerifyCommandTest.halp("run", "--video", dir.resolve("none.mp4").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--video") && r.err().contains("no such file"), r.err());
        Path notAVideo = dir.resolve("notes.mp4");
        VerifyCommandTest.Run bad;
        try {
            Files.writeString(notAVideo, "not a video");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        bad = VerifyCommandTest.halp("run", "--video", notAVideo.toString());
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("--video"), bad.err());
        try {
            Path clip = video(dir, "clip.mp4", "32x32", 5, 1);
            VerifyCommandTest.Run gif = VerifyCommandTest.halp("run", "--video", clip.toString(), "--payload", "gif");
            assertEquals(2, gif.status(), gif.err());
            assertTrue(gif.err().contains("--payload"), gif.err());
            VerifyCommandTest.Run quality = VerifyCommandTest.halp("camera", "--video", clip.toString(), "--payload",
                    "jpeg", "--jpeg-quality", "0");
            assertEquals(2, quality.status(), quality.err());
            assertTrue(quality.err().contains("--jpeg-quality"), quality.err());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
