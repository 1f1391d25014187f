package dev.halp.operators.flink;

/**
 * Per-participant counters that travel with a frame's data (index: participant number). Each participant
 * only ever raises its own entries, so merging two copies takes the larger value of each.
 */
public class Timings {

    public double[] computeMs;
    public double[] transferMs;
    /**
     * Time rows spent on participant i's link (host to i and back), measured by the receiving end from the
     * send time stamp; the host's own entry stays 0.
     */
    public double[] linkMs;
    public long[] bytesIn;
    public long[] bytesOut;
    public int[] rowsComputed;
    public String[] taskManagers;
    /**
     * Per participant, what it did in each block ({@link FrameSpans}); null until it computed one. Only
     * participant i writes entry i, and its later copies extend the earlier ones.
     */
    public long[][] spans;

    public Timings() {
    }

    public static Timings of(int participants) {
        Timings t = new Timings();
        t.computeMs = new double[participants];
        t.transferMs = new double[participants];
        t.linkMs = new double[participants];
        t.bytesIn = new long[participants];
        t.bytesOut = new long[participants];
        t.rowsComputed = new int[participants];
        t.taskManagers = new String[participants];
        t.spans = new long[participants][];
        return t;
    }

    public Timings copy() {
        Timings t = of(computeMs.length);
        t.mergeFrom(this);
        return t;
    }

    public void mergeFrom(Timings o) {
        for (int i = 0; i < computeMs.length && i < o.computeMs.length; i++) {
            computeMs[i] = Math.max(computeMs[i], o.computeMs[i]);
            transferMs[i] = Math.max(transferMs[i], o.transferMs[i]);
            linkMs[i] = Math.max(linkMs[i], o.linkMs[i]);
            bytesIn[i] = Math.max(bytesIn[i], o.bytesIn[i]);
            bytesOut[i] = Math.max(bytesOut[i], o.bytesOut[i]);
            rowsComputed[i] = Math.max(rowsComputed[i], o.rowsComputed[i]);
            if (taskManagers[i] == null) {
                taskManagers[i] = o.taskManagers[i];
            }
            spans[i] = FrameSpans.merge(spans[i], o.spans == null ? null : o.spans[i]);
        }
    }
}
