package dev.halp.kafka.record;

/** The largest frame the job accepts; checked from the header, before any pixel buffer is allocated. */
public record FrameLimits(int maxWidth, int maxHeight, int maxPayloadBytes) implements java.io.Serializable {

    public static final FrameLimits DEFAULT = new FrameLimits(3840, 2160, 3840 * 2160 * 3);

    public FrameLimits {
        if (maxWidth <= 0 || maxHeight <= 0 || maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("frame limits must be positive");
        }
    }
}
