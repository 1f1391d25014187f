package dev.halp.operators.flink;

import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.rf.RowRange;

/**
 * Feature rows on their way to a participant: rows {@code [rowStart, rowEnd)} of block {@code block}'s input
 * (the frame for block 0; {@code block == blocks} is the final gather on the host), as float32 bytes (the
 * frame's rows as pixel bytes) and shape, with the frame's identity, deadline, plan spec and the timings
 * gathered so far. A POJO.
 *
 * <p>Edge servers' clocks are not assumed to agree. Every time stamp a message carries is read on its sender's
 * clock and compared only with stamps of that same clock: the time left to the deadline travels as a duration
 * ({@code budgetMillis}), and the time on a link comes from a round trip (the receiver echoes the sender's own
 * send stamp with how long it held the rows, as NTP does). Only the host (split and merge) uses
 * {@code deadlineMillis} as an instant.
 */
public class RowsMessage {

    /** {@code block} of the split's announcement to the merge: a frame exists, its deadline runs. No rows. */
    public static final int ANNOUNCE = -1;

    public String cameraId;
    public long sequence;
    public long captureMillis;
    public long deadlineMillis;
    /** When the split sent the frame on, on the host's clock (the merge, also on the host, compares with it). */
    public long splitMillis;
    /** Set by the split on a frame it will not send on: the reason, which the merge reports as the miss's. */
    public String shedReason;
    /** When the split predicted the frame would finish, on the host's clock; 0 when it could not predict yet. */
    public long predictedFinishMillis;
    /** Of that prediction, the wait behind the frames admitted before it and not finished yet. */
    public long predictedWaitMs;
    /**
     * The announcement's predicted timeline ({@link PlanChooser#timeline}): {@code [participant, block, start,
     * end]} in ms after the split; null when no speed was measured yet. Only the announcement carries it.
     */
    public long[] predictedSpans;
    /** When it was sent, on the sender's clock. */
    public long sentAtMillis;
    /** Time left to the frame's deadline when it was sent, by the sender's clock. */
    public long budgetMillis;
    /**
     * The send stamp of the last rows the sender received from this message's receiver for the same frame
     * (on the receiver's clock), or -1; with {@code echoHeldMillis}, how long the sender held them, the
     * receiver gets a round trip on its own clock.
     */
    public long echoSentAtMillis = -1;
    public long echoHeldMillis;
    /** When the receiving stage took it in, on the receiver's clock (set there). */
    public long arrivedMillis;
    /** The frame's deadline on the receiver's clock: arrival plus the budget (set there). */
    public long localDeadlineMillis;
    public PlanSpec plan;
    public int block;
    /** MoDNN: set once the host has relayed the rows (gathered, then scattered to their reader). */
    public boolean relayed;
    public int from;
    public int to;
    public int rowStart;
    public int rowEnd;
    public long[] shape;
    public byte[] data;
    /** {@code data} holds pixel bytes (frame rows from the split), not float32 values. */
    public boolean pixels;
    public Timings timings;
    /**
     * The announcement's copy of the frame for a rescue: planar RGB bytes of every frame of the batch, in the
     * shape {@code shape} (a quarter of the float32 tensor it stands for); null when rescues are off.
     */
    public byte[] inputPixels;
    /** Frames batched into this message's tensor (batch size above 1), in tensor order; null for one frame. */
    public String[] batchCameraIds;
    public long[] batchSequences;
    public long[] batchCaptureMillis;
    public long[] batchDeadlineMillis;

    public RowsMessage() {
    }

    /** Frames in this message's tensor. */
    public int batchSize() {
        return batchCameraIds == null ? 1 : batchCameraIds.length;
    }

    public String frameKey() {
        return cameraId + "#" + sequence;
    }

    public RowRange rows() {
        return RowRange.of(rowStart, rowEnd);
    }

    public boolean isAnnouncement() {
        return block == ANNOUNCE;
    }

    public TensorBytes tensor() {
        return tensor(dev.halp.kafka.record.Normalization.NONE);
    }

    /** The rows as floats; frame rows (pixel bytes) normalised as the model's {@code input} says. */
    public TensorBytes tensor(dev.halp.kafka.record.Normalization input) {
        return pixels ? TensorBytes.ofFloats(shape, input.toFloats(data, shape)) : new TensorBytes(shape, data);
    }

    /** The frame an announcement carries for a rescue, as the network's float32 input. */
    public TensorBytes inputTensor(dev.halp.kafka.record.Normalization input) {
        return TensorBytes.ofFloats(shape, input.toFloats(inputPixels, shape));
    }

    /**
     * Stamps it as sent at {@code now} by a participant whose copy of the deadline is {@code localDeadline}
     * (both on that participant's clock).
     */
    public RowsMessage sentAt(long now, long localDeadline) {
        sentAtMillis = now;
        budgetMillis = localDeadline - now;
        return this;
    }

    /** Echoes {@code received} (rows from this message's receiver) back to it, held until {@code now}. */
    public RowsMessage echoing(RowsMessage received, long now) {
        echoSentAtMillis = received.sentAtMillis;
        echoHeldMillis = now - received.arrivedMillis;
        return this;
    }

    /**
     * Takes it in at {@code now}, on the receiver's clock; its copy of the deadline is the budget from now, less
     * the time it is known to have spent on the way ({@link #linkMillis()}).
     */
    public void arrive(long now) {
        arrivedMillis = now;
        long deadline = now + budgetMillis;
        // a frame without a deadline (Long.MAX_VALUE) keeps none
        localDeadlineMillis = budgetMillis > 0 && deadline < now ? Long.MAX_VALUE : deadline - Math.round(linkMillis());
    }

    /**
     * Its time on the link, as far as the receiver can tell from its own clock: between two stages of one
     * participant the stamps share a clock; between participants, half the round trip it closes; 0 when it
     * closes none (the first rows of a frame between two participants).
     */
    public double linkMillis() {
        if (from == to) {
            return Math.max(0, arrivedMillis - sentAtMillis);
        }
        return echoSentAtMillis < 0 ? 0 : Math.max(0, arrivedMillis - echoSentAtMillis - echoHeldMillis) / 2.0;
    }

    /** A message with the same frame identity, plan and deadline, sent now by the host's clock. */
    public static RowsMessage about(RowsMessage frame, int block, int from, int to, RowRange rows, TensorBytes t,
                                    Timings timings) {
        RowsMessage m = copyOf(frame, block, from, to, rows, timings);
        m.shape = t.shape();
        m.data = t.data();
        return m.sentAt(System.currentTimeMillis(), frame.deadlineMillis);
    }

    /**
     * Frame rows as they came from the camera: planar RGB bytes in the float tensor's shape, a quarter of its
     * size on the wire; {@link #tensor()} gives the network's floats.
     */
    public static RowsMessage ofPixels(RowsMessage frame, int from, int to, RowRange rows, long[] shape, byte[] pixels,
                                       Timings timings) {
        RowsMessage m = copyOf(frame, 0, from, to, rows, timings);
        m.shape = shape;
        m.data = pixels;
        m.pixels = true;
        return m.sentAt(System.currentTimeMillis(), frame.deadlineMillis);
    }

    private static RowsMessage copyOf(RowsMessage frame, int block, int from, int to, RowRange rows, Timings timings) {
        RowsMessage m = new RowsMessage();
        m.cameraId = frame.cameraId;
        m.sequence = frame.sequence;
        m.captureMillis = frame.captureMillis;
        m.deadlineMillis = frame.deadlineMillis;
        m.splitMillis = frame.splitMillis;
        m.predictedFinishMillis = frame.predictedFinishMillis;
        m.predictedWaitMs = frame.predictedWaitMs;
        m.plan = frame.plan;
        m.block = block;
        m.from = from;
        m.to = to;
        m.rowStart = rows.start();
        m.rowEnd = rows.end();
        m.timings = timings;
        m.batchCameraIds = frame.batchCameraIds;
        m.batchSequences = frame.batchSequences;
        m.batchCaptureMillis = frame.batchCaptureMillis;
        m.batchDeadlineMillis = frame.batchDeadlineMillis;
        return m;
    }
}
