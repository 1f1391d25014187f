package dev.halp.kafka.record;

/**
 * Pillow's bilinear resampling of 8-bit images ({@code Image.resize(size, BILINEAR)}, which torchvision's
 * {@code Resize} calls on PIL images), reproduced operation for operation so the bytes agree exactly: a
 * triangle filter widened by the scale when shrinking (antialiasing), coefficients normalised in double and
 * rounded to 22-bit fixed point, a horizontal pass over the rows the vertical pass needs, each pass rounding to
 * 8 bits. Interleaved pixels of {@code channels} bytes.
 */
final class PillowBilinear {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowBilinear() {
    }

    /** Per output index: first input index and count, then {@code ksize} fixed-point weights. */
    private record Coefficients(int[] bounds, int[] weights, int ksize) {
    }

    static byte[] resize(byte[] src, int w, int h, int channels, int outW, int outH) {
        Coefficients horizontal = coefficients(w, outW);
        Coefficients vertical = coefficients(h, outH);
        byte[] image = src;
        int rows = h;
        if (outW != w) {
            int first = vertical.bounds[0];
            int last = vertical.bounds[2 * (outH - 1)] + vertical.bounds[2 * (outH - 1) + 1];
            for (int i = 0; i < outH; i++) {
                vertical.bounds[2 * i] -= first;
            }
            rows = last - first;
            image = horizontalPass(src, w, channels, first, rows, outW, horizontal);
        }
        return outH != h || rows != outH ? verticalPass(image, outW, channels, outH, vertical) : image;
    }

    private static double bilinear(double x) {
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) (float) inSize / outSize;
        double filterScale = Math.max(1.0, scale);
        double support = filterScale; // the triangle's support is 1
        int ksize = (int) Math.ceil(support) * 2 + 1;
        double[] kk = new double[outSize * ksize];
        int[] bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            for (int x = 0; x < xmax; x++) {
                double weight = bilinear((x + xmin - center + 0.5) * ss);
                kk[xx * ksize + x] = weight;
                ww += weight;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    kk[xx * ksize + x] /= ww;
                }
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        int[] fixed = new int[kk.length];
        for (int i = 0; i < kk.length; i++) {
            fixed[i] = kk[i] < 0 ? (int) (-0.5 + kk[i] * (1 << PRECISION_BITS))
                    : (int) (0.5 + kk[i] * (1 << PRECISION_BITS));
        }
        return new Coefficients(bounds, fixed, ksize);
    }

    private static int clip8(int v) {
        if (v >= 1 << PRECISION_BITS << 8) {
            return 255;
        }
        return v <= 0 ? 0 : v >> PRECISION_BITS;
    }

    private static byte[] horizontalPass(byte[] src, int w, int channels, int firstRow, int rows, int outW,
                                         Coefficients k) {
        byte[] out = new byte[rows * outW * channels];
        for (int y = 0; y < rows; y++) {
            int in = (firstRow + y) * w * channels;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = k.bounds[2 * xx];
                int xmax = k.bounds[2 * xx + 1];
                for (int c = 0; c < channels; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) {
                        ss += (src[in + (x + xmin) * channels + c] & 0xff) * k.weights[xx * k.ksize + x];
                    }
                    out[(y * outW + xx) * channels + c] = (byte) clip8(ss);
                }
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] src, int w, int channels, int outH, Coefficients k) {
        byte[] out = new byte[outH * w * channels];
        int row = w * channels;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = k.bounds[2 * yy];
            int ymax = k.bounds[2 * yy + 1];
            for (int i = 0; i < row; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < ymax; y++) {
                    ss += (src[(y + ymin) * row + i] & 0xff) * k.weights[yy * k.ksize + y];
                }
                out[yy * row + i] = (byte) clip8(ss);
            }
        }
        return out;
    }
}
