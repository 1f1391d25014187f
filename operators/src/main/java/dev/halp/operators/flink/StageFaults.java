package dev.halp.operators.flink;

import java.io.Serializable;

/**
 * Fault injection for tests and {@code bench faults}, per participant (0 the host, i + 1 secondary i; -1 none):
 * a participant that silently drops everything it receives (a server that stopped answering while its
 * TaskManager stays up), one that computes slower from some frame on, and one whose link carries only so many
 * megabits per second for a range of frames (a time-variant channel in the MiniCluster; the netns cluster
 * shapes real links with tc instead), and one whose clock is off by a fixed amount (servers whose clocks are not
 * synchronised). Immutable; {@code with*} return copies.
 */
public final class StageFaults implements Serializable {

    public static final StageFaults NONE = new StageFaults(-1, -1, 0, 0, -1, 0, 0, 0, -1, 0, 0);

    private final int stalled;
    private final int slow;
    private final double slowMsPerRow;
    private final long slowFrom;
    private final int slowLink;
    private final double linkMbps;
    private final long linkFrom;
    private final long linkUntil;
    private final int skewed;
    private final long skewMs;
    private final double deviceMsPerRow;

    private StageFaults(int stalled, int slow, double slowMsPerRow, long slowFrom, int slowLink, double linkMbps,
                        long linkFrom, long linkUntil, int skewed, long skewMs, double deviceMsPerRow) {
        this.stalled = stalled;
        this.slow = slow;
        this.slowMsPerRow = slowMsPerRow;
        this.slowFrom = slowFrom;
        this.slowLink = slowLink;
        this.linkMbps = linkMbps;
        this.linkFrom = linkFrom;
        this.linkUntil = linkUntil;
        this.skewed = skewed;
        this.skewMs = skewMs;
        this.deviceMsPerRow = deviceMsPerRow;
    }

    public StageFaults withStalled(int participant) {
        return new StageFaults(participant, slow, slowMsPerRow, slowFrom, slowLink, linkMbps, linkFrom, linkUntil,
                skewed, skewMs, deviceMsPerRow);
    }

    /** From frame {@code fromSequence} on, {@code participant} takes {@code msPerRow} longer per row it computes. */
    public StageFaults withSlowCompute(int participant, double msPerRow, long fromSequence) {
        return new StageFaults(stalled, participant, msPerRow, fromSequence, slowLink, linkMbps, linkFrom, linkUntil,
                skewed, skewMs, deviceMsPerRow);
    }

    /** For frames {@code [fromSequence, untilSequence)}, {@code participant}'s link carries {@code mbps} both ways. */
    public StageFaults withSlowLink(int participant, double mbps, long fromSequence, long untilSequence) {
        return new StageFaults(stalled, slow, slowMsPerRow, slowFrom, participant, mbps, fromSequence, untilSequence, skewed,
                skewMs, deviceMsPerRow);
    }

    /** {@code participant}'s stages read a clock {@code skewMs} ahead of the others (behind when negative). */
    public StageFaults withClockSkew(int participant, long skewMs) {
        return new StageFaults(stalled, slow, slowMsPerRow, slowFrom, slowLink, linkMbps, linkFrom, linkUntil,
                participant, skewMs, deviceMsPerRow);
    }

    /**
     * Every participant takes {@code msPerRow} longer per row it computes: edge devices slower than this
     * machine's cores, emulated by waiting (so they do not contend for the cores the way computing would).
     */
    public StageFaults withDeviceMsPerRow(double msPerRow) {
        return new StageFaults(stalled, slow, slowMsPerRow, slowFrom, slowLink, linkMbps, linkFrom, linkUntil,
                skewed, skewMs, msPerRow);
    }

    /** What {@code participant}'s clock reads ahead of the true time (0 unless it is the skewed one). */
    long clockSkewMs(int participant) {
        return participant == skewed ? skewMs : 0;
    }

    boolean stalls(int participant) {
        return participant == stalled;
    }

    /** Extra milliseconds {@code participant} spends computing {@code rows} rows of frame {@code sequence}. */
    long computeDelayMs(int participant, long sequence, int rows) {
        double perRow = deviceMsPerRow + (participant == slow && sequence >= slowFrom ? slowMsPerRow : 0);
        return Math.round(rows * perRow);
    }

    /** Milliseconds {@code m} spends crossing secondary {@code end}'s link (0 unless it is the degraded one). */
    long linkDelayMs(int end, RowsMessage m) {
        boolean degraded = end == slowLink && end > 0 && m.sequence >= linkFrom && m.sequence < linkUntil;
        return degraded ? Math.round(m.data.length * 8 / (linkMbps * 1000)) : 0;
    }
}
