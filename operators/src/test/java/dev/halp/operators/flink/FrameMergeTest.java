package dev.halp.operators.flink;

import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host merge in an operator harness: ordering, deadlines, late parts, state cleanup. */
class FrameMergeTest {

    private static final ModelConfig TINY = new ModelConfig("tiny", 5, null, 1);
    private static final long CLEANUP_AFTER = 10_000;

    private final PlanSpec spec = JobPlans.defaultSpec("halp", "tiny", 40, 40, 2);
    private final SegmentPlan plan = new JobPlans().plan(spec);
    private KeyedOneInputStreamOperatorTestHarness<String, RowsMessage, ResultRecord> harness;
    private String expectedSha;
    private TensorBytes features;
    /** The frame's pixels, planar RGB: what the split attaches to an announcement for a rescue. */
    private static final byte[] PIXELS = new byte[3 * 40 * 40];

    static {
        new java.util.SplittableRandom(3).nextBytes(PIXELS);
    }

    @BeforeEach
    void setUp() throws Exception {
        try (CnnModel model = CnnModel.builder().setSpec(Models.tiny()).optSeed(5).optThreads(1).build()) {
            TensorBytes input = TensorBytes.ofFloats(new long[] {1, 3, 40, 40},
                    dev.halp.kafka.record.FramePixels.toFloats(PIXELS));
            features = model.features(input, 0, Models.tiny().features().size());
            expectedSha = Results.sha256(model.head(features)[0]);
        }
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FrameMerge(TINY, CLEANUP_AFTER)), RowsMessage::frameKey,
                org.apache.flink.api.common.typeinfo.Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** The final parts of one frame (capture at 1000 ms), one per last-block piece, in row order. */
    private List<RowsMessage> parts(long deadline) {
        RowsMessage frame = new RowsMessage();
        frame.cameraId = "cam";
        frame.sequence = 1;
        frame.captureMillis = 1000;
        frame.deadlineMillis = deadline;
        frame.plan = spec;
        List<RowsMessage> out = new ArrayList<>();
        List<Piece> last = plan.blocks().get(plan.blocks().size() - 1).pieces();
        for (Piece p : last) {
            int from = Participants.index(p.owner());
            out.add(RowsMessage.about(frame, plan.blocks().size(), from, 0, p.rows(),
                    features.rows(p.rows().start(), p.rows().end()), Timings.of(3)));
        }
        assertTrue(out.size() >= 2, "the test needs a frame in several parts");
        return out;
    }

    private List<ResultRecord> results() {
        List<ResultRecord> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((ResultRecord) r.getValue());
            }
        }
        return out;
    }

    @Test
    void inOrderPartsGiveTheWholeFrameOutput() throws Exception {
        for (RowsMessage m : parts(System.currentTimeMillis() + 60_000)) {
            harness.processElement(m, 1000);
        }
        List<ResultRecord> r = results();
        assertEquals(1, r.size());
        assertEquals(ResultRecord.MET, r.get(0).status);
        assertEquals(expectedSha, r.get(0).scoresSha256);
        assertEquals(5, r.get(0).top5.size());
        assertEquals(1, harness.numProcessingTimeTimers(), "the deadline timer is deleted, the cleanup timer stays");
    }

    @Test
    void outOfOrderPartsGiveTheSameOutput() throws Exception {
        List<RowsMessage> parts = parts(System.currentTimeMillis() + 60_000);
        Collections.reverse(parts);
        for (RowsMessage m : parts) {
            harness.processElement(m, 1000);
        }
        assertEquals(expectedSha, results().get(0).scoresSha256);
    }

    /** The split's announcement of a frame with deadline {@code deadline}, carrying no rows and no input. */
    private RowsMessage announcementWithoutRows(long deadline) {
        RowsMessage announcement = parts(deadline).get(0);
        announcement.block = RowsMessage.ANNOUNCE;
        announcement.shape = null;
        announcement.data = null;
        announcement.rowStart = 0;
        announcement.rowEnd = 0;
        return announcement;
    }

    /** A frame admission control shed at the split ends at once as a miss with the split's reason. */
    @Test
    void aFrameShedAtTheSplitEndsAtOnceWithItsReason() throws Exception {
        harness.setProcessingTime(0);
        RowsMessage announcement = announcementWithoutRows(5_000);
        announcement.shedReason = "shed: predicted late (test)";
        harness.processElement(announcement, 1000);
        List<ResultRecord> r = results();
        assertEquals(1, r.size(), "at once, not at the deadline");
        assertEquals(ResultRecord.MISSED, r.get(0).status);
        assertEquals("shed: predicted late (test)", r.get(0).error);
        harness.setProcessingTime(5_000);
        assertEquals(1, results().size(), "nothing more at the deadline");
    }

    /** A frame the split announced but whose rows never came (shed, or lost upstream) still ends as a miss. */
    @Test
    void anAnnouncedFrameWithoutPartsEndsAsAMissAtItsDeadline() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(announcementWithoutRows(5_000), 1000);
        assertEquals(0, results().size());
        harness.setProcessingTime(5_000);
        List<ResultRecord> r = results();
        assertEquals(1, r.size());
        assertEquals(ResultRecord.MISSED, r.get(0).status);
        assertEquals(0, r.get(0).partsReceived);
        // no watermark needed: the frame's state goes in processing time
        harness.setProcessingTime(5_000 + CLEANUP_AFTER);
        assertEquals(0, harness.numKeyedStateEntries());
    }

    /**
     * Restored with a frame in flight (one final part missing, the input attached for a rescue), the merge
     * does not take the missing participant for silent: it was heard before the failure, and after the
     * restore it gets a rescue margin to be heard again. So the frame is not recomputed on the host at its
     * rescue time — after a restore every waiting frame would be (a rescue storm) — and ends at its deadline.
     * A participant that stays silent for a margin after the restore is rescued again.
     */
    @Test
    void aRestoredMergeDoesNotRescueFramesThatAreMerelyWaiting() throws Exception {
        long deadline = 10_000;
        long margin = 4_000;
        var first = rescuing(margin);
        first.open();
        first.setProcessingTime(0);
        List<RowsMessage> parts = parts(deadline);
        first.processElement(announcement(parts.get(0)), 1000);
        for (RowsMessage m : parts.subList(0, parts.size() - 1)) {
            first.processElement(m, 1000);
        }
        var snapshot = first.snapshot(1, 1);
        first.close();

        var restored = rescuing(margin);
        try {
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(deadline - margin);
            assertEquals(0, restored.extractOutputValues().size(), "no rescue right after the restore");
            restored.setProcessingTime(deadline);
            List<ResultRecord> r = restored.extractOutputValues();
            assertEquals(1, r.size());
            assertEquals(ResultRecord.MISSED, r.get(0).status);
            assertEquals(null, r.get(0).rescued);

            // a later frame whose participant stays silent a whole margin after the restore is rescued
            List<RowsMessage> later = parts(deadline + 2 * margin);
            later.forEach(m -> m.sequence = 2);
            restored.processElement(announcement(later.get(0)), 2000);
            for (RowsMessage m : later.subList(0, later.size() - 1)) {
                restored.processElement(m, 2000);
            }
            restored.setProcessingTime(deadline + margin);
            r = restored.extractOutputValues();
            assertEquals(2, r.size());
            assertEquals(expectedSha, r.get(1).scoresSha256);
            assertTrue(r.get(1).rescued != null && !r.get(1).rescued.isEmpty(), "rescued: " + r.get(1).rescued);
        } finally {
            restored.close();
        }
    }

    /**
     * A rescue costs the host the whole of the missing rows' receptive fields (at 448x448 on half a core, seconds):
     * one that cannot end before the deadline is not started, so it does not take the CPU the host's own
     * pieces of the next frames need (a cascade seen on a cluster with a tight deadline). The cost is learnt from
     * the rescues the merge ran.
     */
    @Test
    void aRescueThatCannotEndBeforeTheDeadlineIsNotStartedAndTheCostIsLearnt() throws Exception {
        long margin = 4_000;
        FrameMerge merge = new FrameMerge(TINY, CLEANUP_AFTER).withRescueMargin(margin);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(merge), RowsMessage::frameKey,
                org.apache.flink.api.common.typeinfo.Types.STRING);
        try {
            h.open();
            h.setProcessingTime(0);
            List<RowsMessage> first = parts(10_000);
            h.processElement(announcement(first.get(0)), 1000);
            for (RowsMessage m : first.subList(0, first.size() - 1)) {
                h.processElement(m, 1000);
            }
            h.setProcessingTime(10_000 - margin);
            List<ResultRecord> r = h.extractOutputValues();
            assertEquals(1, r.size());
            assertTrue(r.get(0).rescued != null, "rescued while nothing was known about the cost");
            assertTrue(merge.rescueMsPerRow() > 0, "the rescue's cost is learnt: " + merge.rescueMsPerRow());

            merge.assumeRescueMsPerRow(margin); // each missing row would take the whole margin
            List<RowsMessage> second = parts(20_000);
            second.forEach(m -> m.sequence = 2);
            h.processElement(announcement(second.get(0)), 11_000);
            for (RowsMessage m : second.subList(0, second.size() - 1)) {
                h.processElement(m, 11_000);
            }
            h.setProcessingTime(20_000 - margin);
            assertEquals(1, h.extractOutputValues().size(), "not rescued: it could not end in time");
            h.setProcessingTime(20_000);
            r = h.extractOutputValues();
            assertEquals(2, r.size());
            assertEquals(ResultRecord.MISSED, r.get(1).status);
            assertEquals(null, r.get(1).rescued);
        } finally {
            h.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, RowsMessage, ResultRecord> rescuing(long margin)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FrameMerge(TINY, CLEANUP_AFTER).withRescueMargin(margin)),
                RowsMessage::frameKey, org.apache.flink.api.common.typeinfo.Types.STRING);
        return h;
    }

    /**
     * What a frame in flight weighs in a checkpoint of the merge (the state size Flink's checkpoint statistics
     * report): its announcement holds the frame for a rescue as pixels, a quarter of the float32 tensor it
     * stands for. Measured both ways in one run: 224x224.
     */
    @Test
    void aFrameInFlightWeighsItsPixelsInACheckpointNotItsFloats() throws Exception {
        long asPixels = checkpointBytesOfOneAnnouncement(false);
        long asFloats = checkpointBytesOfOneAnnouncement(true);
        System.out.printf("checkpoint bytes per 224x224 frame in flight: %d as pixels, %d as float32%n", asPixels,
                asFloats);
        assertTrue(asPixels > 3 * 224 * 224 && asPixels < 3 * 224 * 224 + 32_768, "pixels: " + asPixels);
        assertTrue(asFloats > 3.5 * asPixels, "floats: " + asFloats);
    }

    private long checkpointBytesOfOneAnnouncement(boolean floats) throws Exception {
        var h = rescuing(1_000);
        try {
            h.open();
            h.setProcessingTime(0);
            RowsMessage a = new RowsMessage();
            a.cameraId = "cam";
            a.sequence = 1;
            a.deadlineMillis = 10_000;
            a.plan = JobPlans.defaultSpec("halp", "tiny", 224, 224, 2);
            a.block = RowsMessage.ANNOUNCE;
            a.timings = Timings.of(3);
            a.shape = new long[] {1, 3, 224, 224};
            byte[] pixels = new byte[3 * 224 * 224];
            new java.util.SplittableRandom(1).nextBytes(pixels);
            if (floats) {
                a.data = TensorBytes.ofFloats(a.shape, dev.halp.kafka.record.FramePixels.toFloats(pixels)).data();
            } else {
                a.inputPixels = pixels;
            }
            h.processElement(a, 0);
            return h.snapshot(1, 1).getManagedKeyedState().stream().mapToLong(k -> k.getStateSize()).sum();
        } finally {
            h.close();
        }
    }

    /** The split's announcement of a part's frame, with the frame's input attached for a rescue. */
    private RowsMessage announcement(RowsMessage part) {
        RowsMessage a = RowsMessage.about(part, RowsMessage.ANNOUNCE, 0, 0, dev.halp.partitioner.rf.RowRange.of(0, 0),
                new TensorBytes(new long[] {1, 3, 0, 40}, new byte[0]), Timings.of(3));
        a.block = RowsMessage.ANNOUNCE;
        a.shape = new long[] {1, 3, 40, 40};
        a.data = null;
        a.inputPixels = PIXELS.clone();
        return a;
    }

    @Test
    void aPartMissingAtTheDeadlineGivesAMissAndLatePartsAreDropped() throws Exception {
        long deadline = 5_000;
        harness.setProcessingTime(0);
        List<RowsMessage> parts = parts(deadline);
        for (RowsMessage m : parts.subList(0, parts.size() - 1)) {
            harness.processElement(m, 1000);
        }
        assertEquals(0, results().size());
        harness.setProcessingTime(deadline);
        List<ResultRecord> r = results();
        assertEquals(1, r.size());
        assertEquals(ResultRecord.MISSED, r.get(0).status);
        assertEquals(parts.size() - 1, r.get(0).partsReceived);
        assertEquals(parts.size(), r.get(0).partsExpected);
        assertTrue(r.get(0).error.contains("deadline"), r.get(0).error);

        // the missing part arrives late: counted and dropped, no second record
        harness.processElement(parts.get(parts.size() - 1), 1000);
        assertEquals(1, results().size());

        // processing time passes the cleanup instant (no watermark moved): nothing of the frame is left
        harness.setProcessingTime(deadline + CLEANUP_AFTER);
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
        assertEquals(0, harness.numProcessingTimeTimers());
    }
}
