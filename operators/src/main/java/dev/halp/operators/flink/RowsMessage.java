package dev.halp.operators.flink;

import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.rf.RowRange;

/**
 * Feature rows on their way to a participant: rows {@code [rowStart, rowEnd)} of block {@code block}'s input
 * (the frame for block 0; {@code block == blocks} is the final gather on the host), as float32 bytes and
 * shape, with the frame's identity, deadline, plan spec and the timings gathered so far. A POJO.
 */
public class RowsMessage {

    /** {@code block} of the split's announcement to the merge: a frame exists, its deadline runs. No rows. */
    public static final int ANNOUNCE = -1;

    public String cameraId;
    public long sequence;
    public long captureMillis;
    public long deadlineMillis;
    public long sentAtMillis;
    /** When the receiving stage took it in (set there; with {@code sentAtMillis}: its time on the link). */
    public long arrivedMillis;
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
    public Timings timings;
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
        return new TensorBytes(shape, data);
    }

    /** A message with the same frame identity, plan and deadline. */
    public static RowsMessage about(RowsMessage frame, int block, int from, int to, RowRange rows, TensorBytes t,
                                    Timings timings) {
        RowsMessage m = new RowsMessage();
        m.cameraId = frame.cameraId;
        m.sequence = frame.sequence;
        m.captureMillis = frame.captureMillis;
        m.deadlineMillis = frame.deadlineMillis;
        m.plan = frame.plan;
        m.block = block;
        m.from = from;
        m.to = to;
        m.rowStart = rows.start();
        m.rowEnd = rows.end();
        m.shape = t.shape();
        m.data = t.data();
        m.timings = timings;
        m.batchCameraIds = frame.batchCameraIds;
        m.batchSequences = frame.batchSequences;
        m.batchCaptureMillis = frame.batchCaptureMillis;
        m.batchDeadlineMillis = frame.batchDeadlineMillis;
        m.sentAtMillis = System.currentTimeMillis();
        return m;
    }
}
