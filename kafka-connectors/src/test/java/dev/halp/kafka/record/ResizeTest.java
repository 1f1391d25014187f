package dev.halp.kafka.record;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against torchvision itself: {@code tools/fixtures/make_preprocessing_fixtures.py} resized a seeded image with
 * torchvision's transforms on a PIL image (Pillow's bilinear resampling) at several sizes and modes, shrinking
 * and enlarging, one axis or both; every byte must agree.
 */
class ResizeTest {

    @SuppressWarnings("unchecked")
    @Test
    void everyModeGivesTorchvisionsBytesExactly() throws Exception {
        Map<String, Object> fixture;
        try (InputStream in = ResizeTest.class.getResourceAsStream("/pillow/cases.json")) {
            fixture = Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
        }
        int w = (Integer) fixture.get("width");
        int h = (Integer) fixture.get("height");
        FrameRecord source = new FrameRecord("cam", 1, 2, w, h, 3, PixelFormat.RGB8,
                Base64.getDecoder().decode((String) fixture.get("source")));
        List<Map<String, String>> cases = (List<Map<String, String>>) fixture.get("cases");
        assertEquals(14, cases.size());
        for (Map<String, String> c : cases) {
            Resize resize = Resize.parse(c.get("size"), c.get("mode"));
            FrameRecord out = resize.apply(source);
            byte[] expected = Base64.getDecoder().decode(c.get("pixels"));
            assertEquals(resize.width() * resize.height() * 3, expected.length, resize.toString());
            int differing = 0;
            for (int i = 0; i < expected.length; i++) {
                differing += expected[i] == out.pixels[i] ? 0 : 1;
            }
            assertEquals(0, differing, resize + ": bytes that differ from torchvision's");
            assertEquals(List.of(resize.width(), resize.height(), "cam", 1L), List.of(out.width, out.height,
                    out.cameraId, out.sequence));
        }
    }

    @Test
    void aFrameAlreadyAtTheSizeIsUnchangedAndCompressedFramesAreDecodedFirst() throws Exception {
        FrameRecord f = dev.halp.kafka.camera.CameraSimulator.synthetic("c", 0, 0, 24, 16, 3);
        assertArrayEquals(f.pixels, Resize.parse("24x16", "letterbox").apply(f).pixels);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", png);
        FrameRecord compressed = new FrameRecord("c", 0, 0, 40, 30, 3, PixelFormat.PNG, png.toByteArray());
        FrameRecord out = Resize.parse("20x15", "stretch").apply(compressed);
        assertEquals(PixelFormat.RGB8, out.format);
        assertEquals(20 * 15 * 3, out.pixels.length);
    }

    @Test
    void badSizesAndModesSayWhatWasExpected() {
        assertEquals(null, Resize.parse("keep", "stretch"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Resize.parse("224", "stretch"))
                .getMessage().contains("WxH"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Resize.parse("224x224", "squash"))
                .getMessage().contains("letterbox"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Resize.parse("224x224", "center-crop=100"))
                .getMessage().contains("at least"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Resize.parse("0x10", "stretch"))
                .getMessage().contains("1..16384"));
    }
}
