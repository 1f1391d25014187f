package dev.halp.kafka.record;

import dev.halp.kafka.flink.FrameDeserializationSchema;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

    private static FrameRecord rgb(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        return new FrameRecord("cam-1", 42, 1_700_000_000_000L, w, h, 3, PixelFormat.RGB8, px);
    }

    private static String reason(byte[] bytes) {
        IncomingFrame f = FrameDeserializationSchema.decode(bytes, "frames", 0, 17, 5, FrameLimits.DEFAULT);
        assertFalse(f.isFrame(), "expected a dead letter");
        assertArrayEquals(bytes, f.deadLetter.original);
        assertEquals(17, f.deadLetter.offset);
        return f.deadLetter.reason;
    }

    @Test
    void roundTripKeepsEveryField() {
        FrameRecord f = rgb(5, 3);
        FrameRecord g = FrameCodec.decode(FrameCodec.encode(f), FrameLimits.DEFAULT);
        assertEquals("cam-1", g.cameraId);
        assertEquals(42, g.sequence);
        assertEquals(f.captureMillis, g.captureMillis);
        assertEquals(5, g.width);
        assertEquals(3, g.height);
        assertEquals(PixelFormat.RGB8, g.format);
        assertArrayEquals(f.pixels, g.pixels);
    }

    @Test
    void malformedRecordsBecomeDeadLettersWithAReason() throws Exception {
        byte[] good = FrameCodec.encode(rgb(4, 4));
        assertTrue(reason(Arrays.copyOf(good, good.length - 5)).contains("truncated"));
        assertTrue(reason(Arrays.copyOf(good, 10)).contains("truncated"));
        byte[] version = good.clone();
        version[4] = 9;
        assertTrue(reason(version).contains("unsupported frame record version 9"));
        byte[] format = good.clone();
        format[5] = 77;
        assertTrue(reason(format).contains("unknown pixel format"));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(reason(magic).contains("bad magic"));
        FrameRecord wrongLength = rgb(4, 4);
        wrongLength.pixels = new byte[47];
        assertTrue(reason(FrameCodec.encode(wrongLength)).contains("does not match 4x4x3"));
        FrameRecord channels = rgb(4, 4);
        channels.channels = 1;
        assertTrue(reason(FrameCodec.encode(channels)).contains("inconsistent header"));
        FrameRecord badJpeg = new FrameRecord("cam", 1, 1, 4, 4, 3, PixelFormat.JPEG, new byte[] {1, 2, 3, 4});
        assertTrue(reason(FrameCodec.encode(badJpeg)).contains("undecodable JPEG"));
        assertTrue(reason(new byte[0]).contains("truncated"));
    }

    @Test
    void oversizedFramesAreRejectedFromTheHeaderBeforeAllocation() {
        // a header announcing 100000 x 100000 RGB pixels with a 4-byte body: no 30 GB buffer is attempted
        ByteBuffer b = ByteBuffer.wrap(FrameCodec.encode(rgb(1, 1)));
        b.putInt(24, 100_000).putInt(28, 100_000);
        String r = reason(b.array());
        assertTrue(r.contains("exceeds the maximum"), r);
    }

    @Test
    void pngAndJpegDecodeToRgbAndGrayIsReplicated() throws Exception {
        BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 2, 0x102030);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        FrameRecord f = new FrameRecord("cam", 1, 1, 6, 4, 3, PixelFormat.PNG, png.toByteArray());
        IncomingFrame in = FrameDeserializationSchema.decode(FrameCodec.encode(f), "t", 0, 0, 0, FrameLimits.DEFAULT);
        assertTrue(in.isFrame());
        assertEquals(PixelFormat.RGB8, in.frame.format);
        float[] planes = FramePixels.toRgbPlanes(in.frame);
        int at = 2 * 6 + 1;
        assertEquals(0x10 / 255f, planes[at]);
        assertEquals(0x20 / 255f, planes[24 + at]);
        assertEquals(0x30 / 255f, planes[48 + at]);
        FrameRecord gray = new FrameRecord("cam", 1, 1, 2, 1, 1, PixelFormat.GRAY8, new byte[] {(byte) 255, 0});
        float[] g = FramePixels.toRgbPlanes(gray);
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, g);
        FrameRecord wrongSize = new FrameRecord("cam", 1, 1, 7, 4, 3, PixelFormat.PNG, png.toByteArray());
        assertTrue(reason(FrameCodec.encode(wrongSize)).contains("inconsistent header"));
        FrameRecord bgr = new FrameRecord("cam", 1, 1, 1, 1, 3, PixelFormat.BGR8, new byte[] {3, 2, 1});
        assertArrayEquals(new float[] {1 / 255f, 2 / 255f, 3 / 255f}, FramePixels.toRgbPlanes(bgr));
    }
}
