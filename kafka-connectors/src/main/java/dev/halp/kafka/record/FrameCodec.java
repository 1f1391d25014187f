package dev.halp.kafka.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The frame record's binary layout (big-endian), version 1:
 *
 * <pre>
 *  0  magic "HLPF"          4 bytes
 *  4  version               1 byte  (1)
 *  5  pixel format code     1 byte  (1 RGB8, 2 BGR8, 3 GRAY8, 4 JPEG, 5 PNG)
 *  6  channels              1 byte
 *  7  reserved              1 byte  (0)
 *  8  sequence              8 bytes
 * 16  capture time (ms)     8 bytes
 * 24  width                 4 bytes
 * 28  height                4 bytes
 * 32  camera id length      2 bytes, then UTF-8 bytes
 *  .  payload length        4 bytes, then the payload
 * </pre>
 *
 * Decoding checks every field against {@link FrameLimits} before allocating the payload, so an oversized or
 * inconsistent header costs nothing; every failure is a {@link FrameFormatException} naming the reason.
 */
public final class FrameCodec {

    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'H', 'L', 'P', 'F'};
    private static final int MAX_CAMERA_ID = 256;

    private FrameCodec() {
    }

    public static byte[] encode(FrameRecord f) {
        byte[] id = f.cameraId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(32 + 2 + id.length + 4 + f.pixels.length).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).put((byte) VERSION).put((byte) f.format.code()).put((byte) f.channels).put((byte) 0);
        b.putLong(f.sequence).putLong(f.captureMillis).putInt(f.width).putInt(f.height);
        b.putShort((short) id.length).put(id);
        b.putInt(f.pixels.length).put(f.pixels);
        return b.array();
    }

    /** Decodes and validates the header and payload length; compressed payloads are not decoded here. */
    public static FrameRecord decode(byte[] bytes, FrameLimits limits) {
        if (bytes == null) {
            throw new FrameFormatException("empty record");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
            for (byte m : MAGIC) {
                if (b.get() != m) {
                    throw new FrameFormatException("not a frame record (bad magic)");
                }
            }
            int version = b.get() & 0xff;
            if (version != VERSION) {
                throw new FrameFormatException("unsupported frame record version " + version + " (supported: " + VERSION + ")");
            }
            PixelFormat format = PixelFormat.ofCode(b.get() & 0xff);
            int channels = b.get() & 0xff;
            b.get();
            long sequence = b.getLong();
            long capture = b.getLong();
            int width = b.getInt();
            int height = b.getInt();
            if (width <= 0 || height <= 0) {
                throw new FrameFormatException("inconsistent header: frame is " + width + "x" + height);
            }
            if (width > limits.maxWidth() || height > limits.maxHeight()) {
                throw new FrameFormatException("frame " + width + "x" + height + " exceeds the maximum "
                        + limits.maxWidth() + "x" + limits.maxHeight());
            }
            if (format.isRaw() && channels != format.rawChannels()) {
                throw new FrameFormatException("inconsistent header: " + format + " has " + format.rawChannels()
                        + " channels, header says " + channels);
            }
            int idLength = b.getShort() & 0xffff;
            if (idLength == 0 || idLength > MAX_CAMERA_ID || idLength > b.remaining()) {
                throw new FrameFormatException("bad camera id length " + idLength);
            }
            byte[] id = new byte[idLength];
            b.get(id);
            int payload = b.getInt();
            long expected = format.isRaw() ? (long) width * height * channels : -1;
            if (format.isRaw() && payload != expected) {
                throw new FrameFormatException("payload of " + payload + " bytes does not match " + width + "x" + height
                        + "x" + channels + " = " + expected);
            }
            if (payload < 0 || payload > limits.maxPayloadBytes()) {
                throw new FrameFormatException("payload of " + payload + " bytes exceeds the maximum " + limits.maxPayloadBytes());
            }
            if (payload != b.remaining()) {
                throw new FrameFormatException("truncated or padded record: payload says " + payload + " bytes, "
                        + b.remaining() + " follow");
            }
            byte[] pixels = new byte[payload];
            b.get(pixels);
            return new FrameRecord(new String(id, StandardCharsets.UTF_8), sequence, capture, width, height,
                    format.isRaw() ? channels : 3, format, pixels);
        } catch (BufferUnderflowException e) {
            throw new FrameFormatException("truncated record (" + bytes.length + " bytes)");
        }
    }
}
