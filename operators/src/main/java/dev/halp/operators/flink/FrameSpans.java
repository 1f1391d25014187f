package dev.halp.operators.flink;

import java.util.Arrays;

/**
 * One participant's timeline of a frame, block by block: when its first rows for the block arrived, when it
 * had all it needed, when it computed (start, end) and when it sent its rows on, with the bytes it received
 * and sent. Stamps are milliseconds relative to the participant's own copy of the frame's deadline, so they
 * need no agreement between clocks: the host, whose deadline is an instant, places them on its own clock.
 * Kept as one flat array of {@link #FIELDS} values per block ({@link #UNSET} where nothing happened).
 */
public final class FrameSpans {

    public static final int WAIT = 0;
    public static final int READY = 1;
    public static final int START = 2;
    public static final int END = 3;
    public static final int SENT = 4;
    public static final int BYTES_IN = 5;
    public static final int BYTES_OUT = 6;
    public static final int FIELDS = 7;
    public static final long UNSET = Long.MIN_VALUE;

    private FrameSpans() {
    }

    /** {@code spans} with block {@code block}'s entries set (grown to hold it); stamps relative to {@code deadline}. */
    public static long[] record(long[] spans, int block, long deadline, long wait, long ready, long start, long end,
                                long sent, long bytesIn, long bytesOut) {
        long[] out = spans == null ? empty(block + 1) : spans.length < (block + 1) * FIELDS ? grow(spans, block + 1) : spans;
        int o = block * FIELDS;
        out[o + WAIT] = wait - deadline;
        out[o + READY] = ready - deadline;
        out[o + START] = start - deadline;
        out[o + END] = end - deadline;
        out[o + SENT] = sent - deadline;
        out[o + BYTES_IN] = bytesIn;
        out[o + BYTES_OUT] = bytesOut;
        return out;
    }

    /** Both copies' entries, {@code b}'s where {@code a} has none. */
    static long[] merge(long[] a, long[] b) {
        if (b == null) {
            return a;
        }
        if (a == null) {
            return b.clone();
        }
        long[] out = a.length >= b.length ? a : grow(a, b.length / FIELDS);
        for (int i = 0; i < b.length; i++) {
            if (out[i] == UNSET) {
                out[i] = b[i];
            }
        }
        return out;
    }

    /**
     * The timeline as the results carry it: per computed block {@code [block, wait, ready, start, end, sent,
     * bytesIn, bytesOut]}, stamps in ms after {@code splitMillis}, on the host's clock where the frame's deadline
     * is {@code deadlineMillis}.
     */
    public static long[] fromSplit(long[] spans, long deadlineMillis, long splitMillis) {
        if (spans == null) {
            return null;
        }
        int blocks = spans.length / FIELDS;
        long[] out = new long[blocks * (FIELDS + 1)];
        int n = 0;
        for (int b = 0; b < blocks; b++) {
            int o = b * FIELDS;
            if (spans[o + START] == UNSET) {
                continue;
            }
            out[n++] = b;
            for (int k = 0; k < FIELDS; k++) {
                out[n++] = k >= BYTES_IN ? spans[o + k] : spans[o + k] + deadlineMillis - splitMillis;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static long[] empty(int blocks) {
        long[] a = new long[blocks * FIELDS];
        Arrays.fill(a, UNSET);
        return a;
    }

    private static long[] grow(long[] a, int blocks) {
        long[] out = empty(blocks);
        System.arraycopy(a, 0, out, 0, a.length);
        return out;
    }
}
