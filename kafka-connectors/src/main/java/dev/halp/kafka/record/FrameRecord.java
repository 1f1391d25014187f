package dev.halp.kafka.record;

import java.util.Objects;

/**
 * A camera frame as published to Kafka (key: camera id). A POJO so Flink serialises it without Kryo.
 *
 * <p>For raw formats {@code pixels} holds {@code width*height*channels} interleaved bytes; for JPEG and
 * PNG it holds the encoded image.
 */
public class FrameRecord {

    public String cameraId;
    public long sequence;
    public long captureMillis;
    public int width;
    public int height;
    public int channels;
    public PixelFormat format;
    public byte[] pixels;

    public FrameRecord() {
    }

    public FrameRecord(String cameraId, long sequence, long captureMillis, int width, int height, int channels,
                       PixelFormat format, byte[] pixels) {
        this.cameraId = Objects.requireNonNull(cameraId, "cameraId");
        this.sequence = sequence;
        this.captureMillis = captureMillis;
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.format = Objects.requireNonNull(format, "format");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
    }

    /** Camera id and sequence: unique per frame. */
    public String frameKey() {
        return cameraId + "#" + sequence;
    }

    @Override
    public String toString() {
        return "Frame[" + frameKey() + " " + width + "x" + height + "x" + channels + " " + format + "]";
    }
}
