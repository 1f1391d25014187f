package dev.halp.kafka.record;

import java.io.Serializable;
import java.util.Locale;

/**
 * The model's input size, reached from any frame size the way torchvision's preprocessing reaches it on a PIL
 * image: bilinear resampling with Pillow's antialiasing filter and 8-bit fixed-point arithmetic
 * ({@link PillowBilinear}), so a frame resized here holds exactly the bytes {@code torchvision.transforms}
 * would give. Modes: {@code stretch} to {@code width x height}; {@code letterbox}: the whole frame scaled to fit
 * inside, centred, the rest black; {@code center-crop}: scaled so its short side is {@code shortSide} (0: just
 * enough to cover the target), then the centre cut out, which is {@code Resize(shortSide)} then
 * {@code CenterCrop((height, width))}. Applied once per frame at the split, before the frame is cut, so every
 * segment sees what whole-frame inference of the resized frame sees. Immutable.
 */
public record Resize(int width, int height, Mode mode, int shortSide) implements Serializable {

    public enum Mode { STRETCH, LETTERBOX, CENTER_CROP }

    public Resize {
        if (width < 1 || height < 1 || width > 16_384 || height > 16_384) {
            throw new IllegalArgumentException("size must be 1..16384 on each side, got " + width + "x" + height);
        }
        if (shortSide < 0 || shortSide > 0 && (mode != Mode.CENTER_CROP || shortSide < Math.min(width, height))) {
            throw new IllegalArgumentException("a short side is for center-crop, at least the crop's shorter side ("
                    + Math.min(width, height) + "), got " + shortSide);
        }
    }

    /**
     * {@code size}: {@code WxH}, or {@code keep} (null: frames keep their size); {@code mode}: {@code stretch},
     * {@code letterbox}, {@code center-crop} or {@code center-crop=S} (short side S first, as torchvision's
     * {@code Resize(S)}). Fails saying what was expected.
     */
    public static Resize parse(String size, String mode) {
        if (size == null || size.equals("keep")) {
            return null;
        }
        if (!size.matches("\\d{1,5}[xX]\\d{1,5}")) {
            throw new IllegalArgumentException("expected WxH (for example 224x224) or keep, got '" + size + "'");
        }
        String[] wh = size.toLowerCase(Locale.ROOT).split("x");
        String m = mode == null ? "stretch" : mode;
        int shortSide = 0;
        if (m.startsWith("center-crop=")) {
            try {
                shortSide = Integer.parseInt(m.substring("center-crop=".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected center-crop=S with S a number, got '" + m + "'");
            }
            m = "center-crop";
        }
        Mode parsed = switch (m) {
            case "stretch" -> Mode.STRETCH;
            case "letterbox" -> Mode.LETTERBOX;
            case "center-crop" -> Mode.CENTER_CROP;
            default -> throw new IllegalArgumentException(
                    "expected stretch, letterbox, center-crop or center-crop=S, got '" + m + "'");
        };
        return new Resize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), parsed, shortSide);
    }

    /** The frame at this size as raw pixels (RGB8, BGR8 or GRAY8 as it came; JPEG and PNG decoded first). */
    public FrameRecord apply(FrameRecord frame) {
        FrameRecord raw = FramePixels.toRaw(frame);
        if (raw.width == width && raw.height == height) {
            return raw;
        }
        int c = raw.channels;
        int[] scaled = scaledSize(raw.width, raw.height);
        byte[] resized = PillowBilinear.resize(raw.pixels, raw.width, raw.height, c, scaled[0], scaled[1]);
        byte[] out = switch (mode) {
            case STRETCH -> resized;
            case CENTER_CROP -> crop(resized, scaled[0], scaled[1], c,
                    (int) Math.rint((scaled[0] - width) / 2.0), (int) Math.rint((scaled[1] - height) / 2.0));
            case LETTERBOX -> pad(resized, scaled[0], scaled[1], c, (width - scaled[0]) / 2, (height - scaled[1]) / 2);
        };
        return new FrameRecord(raw.cameraId, raw.sequence, raw.captureMillis, width, height, c, raw.format, out);
    }

    /**
     * The size the frame is resampled to before a crop or pad: the side that decides gets its target exactly,
     * the other {@code int(target * other / side)}, as torchvision computes {@code Resize(int)}.
     */
    int[] scaledSize(int w, int h) {
        if (mode == Mode.STRETCH) {
            return new int[] {width, height};
        }
        if (shortSide > 0) {
            return w <= h ? new int[] {shortSide, (int) ((double) shortSide * h / w)}
                    : new int[] {(int) ((double) shortSide * w / h), shortSide};
        }
        boolean widthDecides = (long) width * h >= (long) height * w; // cover: the larger scale; fit: the smaller
        if (mode == Mode.LETTERBOX) {
            widthDecides = !widthDecides || (long) width * h == (long) height * w;
        }
        return widthDecides ? new int[] {width, (int) ((double) width * h / w)}
                : new int[] {(int) ((double) height * w / h), height};
    }

    private byte[] crop(byte[] src, int w, int h, int c, int left, int top) {
        byte[] out = new byte[width * height * c];
        for (int y = 0; y < height; y++) {
            System.arraycopy(src, ((top + y) * w + left) * c, out, y * width * c, width * c);
        }
        return out;
    }

    private byte[] pad(byte[] src, int w, int h, int c, int left, int top) {
        byte[] out = new byte[width * height * c];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, y * w * c, out, ((top + y) * width + left) * c, w * c);
        }
        return out;
    }

    @Override
    public String toString() {
        return width + "x" + height + " " + mode.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (shortSide > 0 ? "=" + shortSide : "");
    }
}
