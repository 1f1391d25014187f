package dev.halp.operators.flink;

import dev.halp.kafka.record.ResultRecord;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/** Builds result records from a frame's final parts. */
public final class Results {

    private Results() {
    }

    /** One record per frame of the message's batch, in tensor order. */
    static List<ResultRecord> ofBatch(RowsMessage header, List<RowsMessage> parts, SegmentPlan plan, long now) {
        List<ResultRecord> out = new ArrayList<>();
        for (int i = 0; i < header.batchSize(); i++) {
            ResultRecord r = of(header, parts, plan, now);
            r.batchSize = header.batchSize();
            if (header.batchCameraIds != null) {
                r.cameraId = header.batchCameraIds[i];
                r.sequence = header.batchSequences[i];
                r.captureMillis = header.batchCaptureMillis[i];
                r.deadlineMillis = header.batchDeadlineMillis[i];
                r.latencyMs = now - r.captureMillis;
            }
            out.add(r);
        }
        return out;
    }

    /** {@code header}: any message of the frame (a part, or the split's announcement when no part came). */
    static ResultRecord of(RowsMessage header, List<RowsMessage> parts, SegmentPlan plan, long now) {
        RowsMessage first = header;
        ResultRecord r = new ResultRecord();
        r.cameraId = first.cameraId;
        r.sequence = first.sequence;
        r.captureMillis = first.captureMillis;
        r.deadlineMillis = first.deadlineMillis;
        r.completionMillis = now;
        r.latencyMs = now - first.captureMillis;
        r.afterSplitMs = first.splitMillis > 0 ? now - first.splitMillis : 0;
        r.predictedFinishMillis = first.predictedFinishMillis;
        r.predictedWaitMs = first.predictedWaitMs;
        r.scheme = first.plan.scheme;
        r.model = first.plan.model;
        r.height = first.plan.height;
        r.width = first.plan.width;
        for (int b = 0; b < plan.blocks().size(); b++) {
            BlockPlan bp = plan.blocks().get(b);
            r.plan.add("block " + b + " (" + bp.block() + "): " + bp.pieces());
        }
        Timings t = first.timings.copy();
        parts.forEach(p -> t.mergeFrom(p.timings));
        for (int i = 0; i < t.computeMs.length; i++) {
            ResultRecord.EsReport es = new ResultRecord.EsReport();
            es.taskManager = t.taskManagers[i];
            es.computeMs = round(t.computeMs[i]);
            es.waitMs = round(t.transferMs[i]);
            es.linkMs = round(t.linkMs[i]);
            es.bytesIn = t.bytesIn[i];
            es.bytesOut = t.bytesOut[i];
            es.rowsComputed = t.rowsComputed[i];
            es.spans = FrameSpans.fromSplit(t.spans[i], first.deadlineMillis, first.splitMillis);
            r.es.put(Participants.name(i), es);
        }
        List<Piece> last = plan.blocks().get(plan.blocks().size() - 1).pieces();
        r.partsExpected = (int) last.stream().filter(p -> !p.rows().isEmpty()).count();
        r.partsReceived = (int) parts.stream().filter(p -> !p.isAnnouncement()).count();
        return r;
    }

    /** The announcement's predicted timeline, put beside each edge server's actual one. */
    static void setPredicted(ResultRecord r, long[] predictedSpans) {
        if (predictedSpans == null) {
            return;
        }
        for (int p = 0; p < r.es.size(); p++) {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i + 3 < predictedSpans.length; i += 4) {
                if (predictedSpans[i] == p) {
                    mine.addAll(List.of(predictedSpans[i + 1], predictedSpans[i + 2], predictedSpans[i + 3]));
                }
            }
            if (!mine.isEmpty()) {
                r.es.get(Participants.name(p)).predicted = mine.stream().mapToLong(Long::longValue).toArray();
            }
        }
    }

    /** Top-5 classes and a SHA-256 of the scores' float32 little-endian bytes. */
    public static void setOutput(ResultRecord r, float[] scores) {
        setOutput(r, scores, List.of());
    }

    /** {@code labels}: class names in index order (empty: none), one per class of the model. */
    public static void setOutput(ResultRecord r, float[] scores, List<String> labels) {
        r.scoresSha256 = sha256(scores);
        r.top5 = new ArrayList<>();
        IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> Float.compare(scores[b], scores[a]))
                .limit(5)
                .forEach(i -> {
                    ResultRecord.ClassScore c = new ResultRecord.ClassScore(i, scores[i]);
                    c.label = i < labels.size() ? labels.get(i) : null;
                    r.top5.add(c);
                });
    }

    public static String sha256(float[] scores) {
        ByteBuffer bb = ByteBuffer.allocate(scores.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(scores);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bb.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
