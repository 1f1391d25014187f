package dev.halp.kafka.camera;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ffmpeg subprocess against a clip ffmpeg made from its test pattern (Debian's ffmpeg must be installed). */
class VideoSourceTest {

    private static Path clip(Path dir) throws Exception {
        Path out = dir.resolve("clip.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=64x48:rate=20", "-t", "1", "-pix_fmt", "yuv420p", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        return out;
    }

    @Test
    void aOneSecondClipAtTwentyFramesPerSecondGivesTwentyRgbFramesThenTheEnd(@TempDir Path dir) throws Exception {
        Path clip = clip(dir);
        assertEquals(new VideoSource.Info(64, 48, 20.0), VideoSource.probe(clip.toString()));
        try (VideoSource video = new VideoSource(clip.toString(), 0, false)) {
            int frames = 0;
            byte[] first = null;
            for (byte[] f = video.next(); f != null; f = video.next()) {
                assertEquals(64 * 48 * 3, f.length);
                first = first == null ? f : first;
                frames++;
            }
            assertEquals(20, frames);
            byte[] seen = first;
            int distinct = (int) java.util.stream.IntStream.range(0, seen.length).map(i -> seen[i]).distinct().count();
            assertTrue(distinct > 8, "the test pattern's colours, not a blank frame: " + distinct + " values");
            assertNull(video.next(), "still the end");
        }
    }

    @Test
    void samplingAtFiveFramesPerSecondKeepsEveryFourthFrame(@TempDir Path dir) throws Exception {
        try (VideoSource video = new VideoSource(clip(dir).toString(), 5, false)) {
            assertEquals(5.0, video.info().fps());
            int frames = 0;
            while (video.next() != null) {
                frames++;
            }
            assertEquals(5, frames);
        }
    }

    @Test
    void aFileWithoutAVideoStreamIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video");
        IOException e = assertThrows(IOException.class, () -> VideoSource.probe(text.toString()));
        assertTrue(e.getMessage().contains("notes.mp4"), e.getMessage());
    }

    @Test
    void frameRatesAreFractions() {
        assertEquals(30000.0 / 1001, VideoSource.rate("30000/1001"), 1e-9);
        assertEquals(25, VideoSource.rate("25"), 1e-9);
        assertEquals(0, VideoSource.rate("0/0"), 1e-9);
        assertEquals(0, VideoSource.rate(null), 1e-9);
    }
}
