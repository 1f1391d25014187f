package dev.halp.kafka.record;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Pixel conversions: compressed frames to RGB8, and any raw frame to planar RGB floats in [0, 1]. */
public final class FramePixels {

    private FramePixels() {
    }

    /**
     * Decodes a JPEG or PNG payload into an RGB8 frame with the same metadata; raw frames pass through.
     * The decoded image must have the size the header announced.
     */
    public static FrameRecord toRaw(FrameRecord f) {
        if (f.format.isRaw()) {
            return f;
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(f.pixels));
        } catch (IOException | RuntimeException e) {
            throw new FrameFormatException("undecodable " + f.format + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new FrameFormatException("undecodable " + f.format + ": no image reader accepted the payload");
        }
        if (img.getWidth() != f.width || img.getHeight() != f.height) {
            throw new FrameFormatException("inconsistent header: " + f.format + " image is " + img.getWidth() + "x"
                    + img.getHeight() + ", header says " + f.width + "x" + f.height);
        }
        byte[] rgb = new byte[f.width * f.height * 3];
        int i = 0;
        for (int y = 0; y < f.height; y++) {
            for (int x = 0; x < f.width; x++) {
                int p = img.getRGB(x, y);
                rgb[i++] = (byte) (p >> 16);
                rgb[i++] = (byte) (p >> 8);
                rgb[i++] = (byte) p;
            }
        }
        return new FrameRecord(f.cameraId, f.sequence, f.captureMillis, f.width, f.height, 3, PixelFormat.RGB8, rgb);
    }

    /** Planar RGB (channel, row, column) floats {@code value/255}; gray is replicated to three channels. */
    public static float[] toRgbPlanes(FrameRecord f) {
        return toFloats(toRgbPlaneBytes(f));
    }

    /**
     * Planar RGB (channel, row, column) bytes, a quarter of the floats' size: what a frame is kept as while it
     * may still be needed ({@link #toFloats} gives exactly the floats of {@link #toRgbPlanes}).
     */
    public static byte[] toRgbPlaneBytes(FrameRecord f) {
        FrameRecord raw = toRaw(f);
        int plane = raw.width * raw.height;
        byte[] out = new byte[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                int source = switch (raw.format) {
                    case GRAY8 -> i;
                    case BGR8 -> i * 3 + (2 - c);
                    default -> i * 3 + c;
                };
                out[c * plane + i] = raw.pixels[source];
            }
        }
        return out;
    }

    /** Pixel bytes as the network's input values, {@code value/255}. */
    public static float[] toFloats(byte[] pixels) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (pixels[i] & 0xff) / 255f;
        }
        return out;
    }
}
