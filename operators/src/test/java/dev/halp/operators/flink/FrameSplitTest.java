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
                Health.states());
    }

    /** Milliseconds per row of the host and the two secondaries, as their reports would say. */
    private void speeds(double host, double secondary0, double secondary1) throws Exception {
        speed("host", host);
        speed("secondary_0", secondary0);
        speed("secondary_1", secondary1);
    }

    private void speed(String participant, double msPerRow) throws Exception {
        Health h = new Health(participant, false, 0);
        h.msPerRow = msPerRow;
        harness.processBroadcastElement(h, 0);
    }

    /** Milliseconds a plan takes by the rows model: the slowest participant's rows times its ms per row. */
    private static long modelMs(PlanSpec spec, double... msPerRow) {
        int[] rows = new PlannedRows(new JobPlans()).of(spec);
        double worst = 0;
        for (int p = 0; p < rows.length; p++) {
            worst = Math.max(worst, rows[p] * msPerRow[p]);
        }
        return Math.round(worst);
    }

    /**
     * Admission control: with every edge server's speed known, a frame predicted to finish after its deadline
     * is announced with the reason and sent to no edge server; one that fits is sent, with its prediction.
     */
    @Test
    void aFramePredictedLateIsOnlyAnnouncedWithTheReason() throws Exception {
        open(new FrameSplit("halp", "tiny", 2, DEADLINE_MS, false, null, 1, 0).withPredictedLateShedding(true, 0));
        speeds(2, 4, 4);
        long need = modelMs(JobPlans.defaultSpec("halp", "tiny", SIZE, SIZE, 2), 2, 4, 4);
        assertTrue(need > 100 && need < DEADLINE_MS / 2, "the test's speeds give " + need + " ms a frame");
        harness.setProcessingTime(5_000);
        // a deadline need - 50 ms away
        harness.processElement(IncomingFrame.of(frame(1, 5_000 - DEADLINE_MS + need - 50)), 0);
        assertEquals(List.of(), harness.extractOutputValues(), "no edge server gets rows of a frame that cannot make it");
        RowsMessage shed = announcements().get(0);
        assertTrue(shed.shedReason.startsWith("shed: predicted late (halp on secondary_0, secondary_1 predicted to finish 50 ms"),
                shed.shedReason);
        assertEquals(5_000 + need, shed.predictedFinishMillis);
        // a deadline need + 50 ms away: sent, predicted to finish in need ms
        harness.processElement(IncomingFrame.of(frame(2, 5_000 - DEADLINE_MS + need + 50)), 0);
        assertTrue(harness.extractOutputValues().size() >= 2, "fits: sent");
        assertEquals(null, announcements().get(1).shedReason);
        assertEquals(5_000 + need, announcements().get(1).predictedFinishMillis);
        // the same deadline once a computed frame finished 80 ms off its prediction: it might not make it
        Health off = new Health(Health.FRAME, false, 5_000);
        off.doneFrame = "cam#2";
        off.errorMs = -80;
        harness.processBroadcastElement(off, 0);
        harness.processElement(IncomingFrame.of(frame(3, 5_000 - DEADLINE_MS + need + 50)), 0);
        assertTrue(announcements().get(2).shedReason.contains("give or take the recent error of 80 ms"),
                announcements().get(2).shedReason);
    }

    /**
     * Met frames' time beyond their participants' own work is averaged per scheme (0.3 per frame; a sample under
     * half the average replaces it) and added to later predictions.
     */
    @Test
    void theResidualOfMetFramesMovesLaterPredictions() throws Exception {
        open(new FrameSplit("halp", "tiny", 2, DEADLINE_MS, false, null, 1, 0));
        speeds(2, 4, 4);
        Health late = new Health(Health.FRAME, false, 0);
        late.scheme = "halp";
        late.doneFrame = "cam#100";
        late.residualMs = 400; // a cold frame
        harness.processBroadcastElement(late, 0);
        late.residualMs = 100; // under half the average: replaces it
        harness.processBroadcastElement(late, 0);
        late.residualMs = 200;
        harness.processBroadcastElement(late, 0);
        harness.setProcessingTime(5_000);
        harness.processElement(IncomingFrame.of(frame(1, 5_000)), 0);
        long need = modelMs(JobPlans.defaultSpec("halp", "tiny", SIZE, SIZE, 2), 2, 4, 4);
        assertEquals(5_000 + need + 130, announcements().get(0).predictedFinishMillis, "100, then 0.7 * 100 + 0.3 * 200");
    }

    /**
     * Every frame admitted and not finished holds a new one back (until the pipeline's interval under load is
     * measured, by the recent frames' longest participant work); a frame's result (read back) ends its hold.
     */
    @Test
    void framesAdmittedAndNotFinishedDelayTheNextOnesPrediction() throws Exception {
        open(new FrameSplit("halp", "tiny", 2, DEADLINE_MS, false, null, 1, 0).withPredictedLateShedding(true, 0));
        speeds(2, 4, 4);
        Health earlier = new Health(Health.FRAME, false, 5_070);
        earlier.doneFrame = "cam#0";
        earlier.scheme = "halp";
        earlier.workMs = 100;
        harness.processBroadcastElement(earlier, 0);
        long need = modelMs(JobPlans.defaultSpec("halp", "tiny", SIZE, SIZE, 2), 2, 4, 4);
        harness.setProcessingTime(5_000);
        harness.processElement(IncomingFrame.of(frame(1, 5_000)), 0);
        harness.processElement(IncomingFrame.of(frame(2, 5_000)), 0);
        harness.processElement(IncomingFrame.of(frame(3, 5_000)), 0);
        assertEquals(List.of(5_000 + need, 5_000 + 100 + need, 5_000 + 200 + need),
                announcements().stream().map(a -> a.predictedFinishMillis).toList());
        assertEquals(200, announcements().get(2).predictedWaitMs);
        Health one = new Health(Health.FRAME, false, 0);
        one.doneFrame = "cam#1"; // a miss: it ends the hold, teaches nothing else
        harness.processBroadcastElement(one, 0);
        harness.processElement(IncomingFrame.of(frame(4, 5_000)), 0);
        assertEquals(5_000 + 200 + need, announcements().get(3).predictedFinishMillis, "frames 2 and 3 still in flight");
        // frames that had to wait finished 30 and then 60 ms apart: the interval under load, 30 then 39
        for (long at : new long[] {5_100, 5_130, 5_190}) {
            Health queued = new Health(Health.FRAME, false, at);
            queued.doneFrame = "other#" + at;
            queued.scheme = "halp";
            queued.workMs = 100;
            queued.queued = true;
            harness.processBroadcastElement(queued, 0);
        }
        harness.processElement(IncomingFrame.of(frame(5, 5_000)), 0);
        assertEquals(5_000 + Math.round(3 * 39.0) + need, announcements().get(4).predictedFinishMillis,
                "frames 2, 3 and 4 in flight, 39 ms apart");
    }

    @Test
    void aFrameInFlightPastItsPredictedFinishHoldsBackNewFramesOnItsParticipants() {
        List<long[]> inFlight = List.of(new long[] {9_000, 0b110, 1_000}, new long[] {9_000, 0b001, 5_000});
        assertEquals(2 * 50 + 400, FrameSplit.waitMs(inFlight, 0b111, 50, 1_400), "the first is 400 ms overdue");
        assertEquals(2 * 50 + 400, FrameSplit.waitMs(inFlight, 0b100, 50, 1_400), "on secondary 1 too");
        assertEquals(2 * 50, FrameSplit.waitMs(inFlight, 0b001, 50, 1_400), "the host alone: not on its participants");
    }

    /** Frame rows sent from the split, by participant number (HALP's host gets none: it computes the zones). */
    private java.util.Map<Integer, Long> rowsSentTo() {
        return harness.extractOutputValues().stream().collect(java.util.stream.Collectors.groupingBy(m -> m.to,
                java.util.TreeMap::new, java.util.stream.Collectors.summingLong(m -> m.rowEnd - m.rowStart)));
    }

    @Test
    void autoUsesEverySecondaryUntilTheHostIsMeasuredThenLeavesASlowOneOut() throws Exception {
        open(new FrameSplit("auto", "tiny", 2, DEADLINE_MS, false, null, 1, 0));
        harness.setProcessingTime(5_000);
        harness.processElement(IncomingFrame.of(frame(1, 5_000)), 0);
        assertEquals(java.util.Set.of(1, 2), rowsSentTo().keySet(), "nothing measured: HALP on every secondary");
        assertEquals(0, announcements().get(0).predictedFinishMillis, "and no prediction");
        harness.getOutput().clear();
        speeds(2, 40, 1); // secondary 0's link degraded: 40 ms per row
        harness.processElement(IncomingFrame.of(frame(2, 5_000)), 0);
        assertEquals(java.util.Set.of(2), rowsSentTo().keySet(), "secondary 0 left out");
        RowsMessage a = announcements().get(1);
        assertEquals("halp", a.plan.scheme);
        long need = modelMs(a.plan, 2, 40, 1);
        assertEquals(5_000 + need, a.predictedFinishMillis);
        assertTrue(need < modelMs(JobPlans.defaultSpec("halp", "tiny", SIZE, SIZE, 2), 2, 40, 1),
                "faster than with secondary 0");
        assertTrue(need < modelMs(JobPlans.defaultSpec("local", "tiny", SIZE, SIZE, 2), 2, 40, 1), "and than Local");
    }

    /**
     * Slow secondaries: Local. A probe frame (every 5th) uses every secondary when it can still meet its
     * deadline that way, and not when it would miss a deadline that Local meets. Speeds not updated for
     * {@link PlanChooser#STALE_AFTER_MS} are forgotten: the secondaries get frames again.
     */
    @Test
    void autoRunsLocallyWhenTheSecondariesAreSlowProbesThemWhenAffordableAndForgetsOldSpeeds() throws Exception {
        open(new FrameSplit("auto", "tiny", 2, DEADLINE_MS, false, null, 1, 0).withProbeEvery(5));
        speeds(1, 50, 50);
        harness.setProcessingTime(5_000);
        harness.processElement(IncomingFrame.of(frame(4, 5_000)), 0);
        assertEquals(java.util.Set.of(0), rowsSentTo().keySet(), "Local: the host alone");
        assertEquals("local", announcements().get(0).plan.scheme);
        harness.getOutput().clear();
        harness.setProcessingTime(6_000);
        harness.processElement(IncomingFrame.of(frame(5, 6_000)), 0);
        assertEquals(java.util.Set.of(0), rowsSentTo().keySet(), "a probe predicted to miss a deadline Local meets: none");
        harness.getOutput().clear();
        harness.setProcessingTime(20_000);
        harness.processElement(IncomingFrame.of(frame(10, 20_000 + 60_000)), 0); // a minute to spare
        assertEquals(java.util.Set.of(1, 2), rowsSentTo().keySet(), "frame 10 probes every secondary");
        harness.getOutput().clear();
        Health probed = new Health(Health.FRAME, false, 20_500);
        probed.doneFrame = "cam#10"; // its result is in: nothing in flight
        harness.processBroadcastElement(probed, 0);
        harness.setProcessingTime(PlanChooser.STALE_AFTER_MS + 1);
        harness.processElement(IncomingFrame.of(frame(11, PlanChooser.STALE_AFTER_MS + 1)), 0);
        assertEquals(java.util.Set.of(1, 2), rowsSentTo().keySet(),
                "the secondaries' speeds are forgotten (assumed the host's): HALP on both");
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
        float[] floats = a.inputTensor(dev.halp.kafka.record.Normalization.NONE).toFloats();
        assertArrayEquals(FramePixels.toRgbPlanes(f), floats, "the rescue computes on the very input of the split");
        RowsMessage sent = harness.extractOutputValues().get(0);
        float[] rows = sent.tensor().toFloats();
        int n = (sent.rowEnd - sent.rowStart) * SIZE; // the red plane of the rows it carries
        assertArrayEquals(java.util.Arrays.copyOfRange(floats, sent.rowStart * SIZE, sent.rowStart * SIZE + n),
                java.util.Arrays.copyOfRange(rows, 0, n), "block-0 rows are the same floats");
    }
}
