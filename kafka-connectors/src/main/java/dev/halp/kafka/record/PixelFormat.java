package dev.halp.kafka.record;

/** How a frame's pixels are encoded. Raw formats are interleaved 8-bit samples, row by row. */
public enum PixelFormat {
    RGB8(1, 3), BGR8(2, 3), GRAY8(3, 1), JPEG(4, 0), PNG(5, 0);

    private final int code;
    private final int rawChannels;

    PixelFormat(int code, int rawChannels) {
        this.code = code;
        this.rawChannels = rawChannels;
    }

    public int code() {
        return code;
    }

    /** Channels of a raw format, 0 for compressed formats. */
    public int rawChannels() {
        return rawChannels;
    }

    public boolean isRaw() {
        return rawChannels > 0;
    }

    public static PixelFormat ofCode(int code) {
        for (PixelFormat f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        throw new FrameFormatException("unknown pixel format code " + code);
    }
}
