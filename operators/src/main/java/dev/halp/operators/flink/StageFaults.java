package dev.halp.operators.flink;

import java.io.Serializable;

/**
 * Fault injection for tests and {@code bench faults}, per participant (0 the host, i + 1 secondary i; -1 none):
 * a participant that silently drops everything it receives (a server that stopped answering while its
 * TaskManager stays up), one that computes slower from some frame on, and one whose link carries only so many
 * megabits per second for a range of frames (a time-variant channel in the MiniCluster; the netns cluster
 * shapes real links with tc instead). Immutable; {@code with*} return copies.
 */
public final class StageFaults implements Serializable {

    public static final StageFaults NONE = new StageFaults(-1, -1, 0, 0, -1, 0, 0, 0);

    private final int stalled;
    private final int slow;
    private final double slowMsPerRow;
    private final long slowFrom;
    private final int slowLink;
    private final double linkMbps;
    private final long linkFrom;
    private final long linkUntil;

    private StageFaults(int stalled, int slow, double slowMsPerRow, long slowFrom, int slowLink, double linkMbps,
                        long linkFrom, long linkUntil) {
        this.stalled = stalled;
        this.slow = slow;
        this.slowMsPerRow = slowMsPerRow;
        this.slowFrom = slowFrom;
        this.slowLink = slowLink;
        this.linkMbps = linkMbps;
        this.linkFrom = linkFrom;
        this.linkUntil = linkUntil;
    }

    public StageFaults withStalled(int participant) {
        return new StageFaults(participant, slow, slowMsPerRow, slowFrom, slowLink, linkMbps, linkFrom, linkUntil);
    }

    /** From frame {@code fromSequence} on, {@code participant} takes {@code msPerRow} longer per row it computes. */
    public StageFaults withSlowCompute(int participant, double msPerRow, long fromSequence) {
        return new StageFaults(stalled, participant, msPerRow, fromSequence, slowLink, linkMbps, linkFrom, linkUntil);
    }

    /** For frames {@code [fromSequence, untilSequence)}, {@code participant}'s link carries {@code mbps} both ways. */
    public StageFaults withSlowLink(int participant, double mbps, long fromSequence, long untilSequence) {
        return new StageFaults(stalled, slow, slowMsPerRow, slowFrom, participant, mbps, fromSequence, untilSequence);
    }

    boolean stalls(int participant) {
        return participant == stalled;
    }

    /** Extra milliseconds {@code participant} spends computing {@code rows} rows of frame {@code sequence}. */
    long computeDelayMs(int participant, long sequence, int rows) {
        return participant == slow && sequence >= slowFrom ? Math.round(rows * slowMsPerRow) : 0;
    }

    /** Milliseconds {@code m} spends crossing secondary {@code end}'s link (0 unless it is the degraded one). */
    long linkDelayMs(int end, RowsMessage m) {
        boolean degraded = end == slowLink && end > 0 && m.sequence >= linkFrom && m.sequence < linkUntil;
        return degraded ? Math.round(m.data.length * 8 / (linkMbps * 1000)) : 0;
    }
}
