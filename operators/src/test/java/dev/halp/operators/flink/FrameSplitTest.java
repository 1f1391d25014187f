package dev.halp.operators.flink;

import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.IncomingFrame;
import dev.halp.kafka.record.PixelFormat;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's split in an operator harness that drives its processing time: deadlines and batch lingering
 * follow the timer service's clock, and the announcement keeps the frame as pixels for a rescue.
 */
class FrameSplitTest {

    private static final int SIZE = 40;
    private static final long DEADLINE_MS = 1_000;

    private KeyedBroadcastOperatorTestHarness<Integer, IncomingFrame, Health, RowsMessage> harness;

    private void open(int batchSize, long lingerMs) throws Exception {
        open(new FrameSplit("halp", "tiny", 2, DEADLINE_MS, false, null, batchSize, lingerMs).withInputForRescue(true));
    }

    private void open(FrameSplit split) throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(split, f -> 0, Types.INT,
                Health.SILENT, Health.MS_PER_ROW, Health.AFTER_SPLIT);
    }

    /**
     * Admission control: once met frames are known to take 500 ms from the split, a frame with 300 ms left is
     * announced with the reason and sent to no edge server; one with 800 ms left is sent.
     */
    @Test
    void aFramePredictedLateIsOnlyAnnouncedWithTheReason() throws Exception {
        open(new FrameSplit("halp", "tiny", 2, DEADLINE_MS, false, null, 1, 0).withPredictedLateShedding(true, 0));
        Health met = new Health(Health.FRAME, false, 0);
        met.afterSplitMs = 500;
        harness.processBroadcastElement(met, 0);
        harness.setProcessingTime(5_000);
        harness.processElement(IncomingFrame.of(frame(1, 4_300)), 4_300);
        assertEquals(List.of(), harness.extractOutputValues(), "no edge server gets rows of a frame that cannot make it");
        assertTrue(announcements().get(0).shedReason.startsWith("shed: predicted late"), announcements().get(0).shedReason);
        harness.processElement(IncomingFrame.of(frame(2, 4_800)), 4_800);
        assertTrue(harness.extractOutputValues().size() >= 2, "800 ms left, 500 needed: sent");
        assertEquals(null, announcements().get(1).shedReason);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static FrameRecord frame(long sequence, long captureMillis) {
        byte[] rgb = new byte[SIZE * SIZE * 3];
        new SplittableRandom(sequence).nextBytes(rgb);
        return new FrameRecord("cam", sequence, captureMillis, SIZE, SIZE, 3, PixelFormat.RGB8, rgb);
    }

    private List<RowsMessage> announcements() {
        return harness.getSideOutput(FrameSplit.ANNOUNCEMENTS).stream().map(r -> r.getValue()).toList();
    }

    @Test
    void aFrameWithinItsDeadlineByTheTimerServicesClockIsSentAndOnePastItIsNot() throws Exception {
        open(1, 0);
        harness.setProcessingTime(5_000);
        harness.processElement(IncomingFrame.of(frame(1, 4_500)), 4_500);
        List<RowsMessage> sent = harness.extractOutputValues();
        assertTrue(sent.size() >= 2, "block-0 rows for both secondaries: " + sent.size());
        for (RowsMessage m : sent) {
            assertEquals(5_000, m.sentAtMillis, "stamped by the timer service's clock");
            assertEquals(500, m.budgetMillis);
        }
        harness.setProcessingTime(6_000);
        harness.processElement(IncomingFrame.of(frame(2, 4_900)), 4_900);
        assertEquals(sent.size(), harness.extractOutputValues().size(), "100 ms late: not sent");
        assertEquals(2, announcements().size(), "both announced: the merge reports the late one's miss");
    }

    @Test
    void aBatchLeavesLingerMillisAfterItsFirstFrame() throws Exception {
        open(2, 50);
        harness.setProcessingTime(1_000);
        harness.processElement(IncomingFrame.of(frame(1, 1_000)), 1_000);
        harness.setProcessingTime(1_049);
        assertEquals(List.of(), harness.extractOutputValues());
        harness.setProcessingTime(1_050);
        List<RowsMessage> sent = harness.extractOutputValues();
        assertTrue(!sent.isEmpty(), "the lone frame leaves when its linger ends");
        assertEquals(1, sent.get(0).batchSize());
    }

    @Test
    void theAnnouncementKeepsThePixelsAQuarterOfTheFloats() throws Exception {
        open(1, 0);
        harness.setProcessingTime(0);
        FrameRecord f = frame(7, 0);
        harness.processElement(IncomingFrame.of(f), 0);
        RowsMessage a = announcements().get(0);
        assertNotNull(a.inputPixels);
        assertEquals(3 * SIZE * SIZE, a.inputPixels.length);
        assertEquals(null, a.data, "no float32 copy in the merge's state");
        assertArrayEquals(FramePixels.toRgbPlaneBytes(f), a.inputPixels);
        float[] floats = a.inputTensor().toFloats();
        assertArrayEquals(FramePixels.toRgbPlanes(f), floats, "the rescue computes on the very input of the split");
        RowsMessage sent = harness.extractOutputValues().get(0);
        float[] rows = sent.tensor().toFloats();
        int n = (sent.rowEnd - sent.rowStart) * SIZE; // the red plane of the rows it carries
        assertArrayEquals(java.util.Arrays.copyOfRange(floats, sent.rowStart * SIZE, sent.rowStart * SIZE + n),
                java.util.Arrays.copyOfRange(rows, 0, n), "block-0 rows are the same floats");
    }
}
