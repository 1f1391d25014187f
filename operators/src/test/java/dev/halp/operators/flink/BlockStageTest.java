package dev.halp.operators.flink;

import dev.halp.operators.exec.StageView;
import dev.halp.operators.Frames;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A block stage in an operator harness that drives its processing time: frames it waits for (some rows came,
 * the rest never will) are dropped in processing time, without any watermark, and each timer drops only the
 * frames due then.
 */
class BlockStageTest {

    private static final long CLEANUP_AFTER = 10_000;

    private final PlanSpec spec = JobPlans.defaultSpec("halp", "tiny", 40, 40, 2);
    private final SegmentPlan plan = new JobPlans().plan(spec);
    private KeyedOneInputStreamOperatorTestHarness<Integer, RowsMessage, RowsMessage> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new BlockStage(1, new ModelConfig("tiny", 5, null, 1), CLEANUP_AFTER)), m -> m.to, Types.INT);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /**
     * The first of the rows the host's block-1 zones need from the secondaries, for frame {@code sequence}:
     * never enough alone.
     */
    private RowsMessage firstRowOf(long sequence) {
        RowRange needs = StageView.of(plan, 1, 0).needs.get(0);
        int layer = plan.blocks().get(1).block().first();
        int channels = plan.model().channels()[layer];
        int width = plan.model().widths(40)[layer];
        TensorBytes rows = Frames.random(sequence, channels, needs.end(), width);
        RowsMessage f = new RowsMessage();
        f.cameraId = "cam";
        f.sequence = sequence;
        f.captureMillis = 1000;
        f.deadlineMillis = Long.MAX_VALUE;
        f.plan = spec;
        assertTrue(needs.size() > 1, "the test needs a piece that reads several rows: " + needs);
        return RowsMessage.about(f, 1, 1, 0, RowRange.of(needs.start(), needs.start() + 1),
                rows.rows(needs.start(), needs.start() + 1), Timings.of(3));
    }

    @Test
    void framesWaitingForRowsAreDroppedInProcessingTimeOnlyWhenDue() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(firstRowOf(1), 1000);
        harness.setProcessingTime(5_000);
        harness.processElement(firstRowOf(2), 1000);
        assertEquals(List.of(), harness.extractOutputValues(), "nothing computed without all the rows");
        assertEquals(2, harness.numProcessingTimeTimers(), "one expiry instant per frame here");
        assertEquals(0, harness.numEventTimeTimers(), "expiry does not wait for watermarks");

        // the first frame's instant: only the first frame goes
        harness.setProcessingTime(CLEANUP_AFTER);
        assertEquals(1, harness.numProcessingTimeTimers());
        harness.setProcessingTime(5_000 + CLEANUP_AFTER);
        assertEquals(0, harness.numProcessingTimeTimers());
        assertEquals(0, harness.numKeyedStateEntries(), "nothing of either frame is left");
    }

    @Test
    void aFrameStillWaitingIsKeptUntilItsOwnInstant() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(firstRowOf(1), 1000);
        harness.setProcessingTime(CLEANUP_AFTER - FrameExpiry.BUCKET_MS);
        assertTrue(harness.numKeyedStateEntries() > 0, "kept before its instant");
        harness.setProcessingTime(CLEANUP_AFTER);
        assertEquals(0, harness.numKeyedStateEntries());
    }
}
