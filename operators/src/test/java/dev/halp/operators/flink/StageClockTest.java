package dev.halp.operators.flink;

import dev.halp.operators.exec.StageView;
import dev.halp.operators.Frames;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A secondary's block stage whose clock is off by up to two seconds (an injected fault) decides and reports
 * exactly what a synchronised one does: whether a frame is still worth computing, the time left that it
 * passes on, and the round trip from which the host learns the link's time. The host's clock runs at
 * {@code HOST}; the secondary's harness time is the true time.
 */
class StageClockTest {

    private static final long HOST = 100_000;
    private static final long BUDGET = 1_000;

    private final PlanSpec spec = JobPlans.defaultSpec("halp", "tiny", 40, 40, 2);
    private final SegmentPlan plan = new JobPlans().plan(spec);
    /** The last block: a secondary sends its rows on to the host. */
    private final int block = plan.blocks().size() - 1;

    /**
     * Secondary 0's last block stage with a clock {@code skewMs} off: the first of the rows it needs arrive
     * {@code transitMs} after the host sent them, the rest {@code restAfterMs} later; what it sends on.
     */
    private List<RowsMessage> secondaryZero(long skewMs, long transitMs, long restAfterMs) throws Exception {
        int[] keys = Participants.routingKeys(3);
        BlockStage stage = new BlockStage(block, new ModelConfig("tiny", 5, null, 1), 10_000)
                .withFaults(StageFaults.NONE.withClockSkew(1, skewMs));
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(stage),
                (RowsMessage m) -> keys[m.to], Types.INT, Participants.MAX_PARALLELISM, 3, 1);
        try {
            harness.open();
            List<RowRange> needs = StageView.of(plan, block, 1).needs;
            RowRange first = needs.get(0);
            assertTrue(first.size() > 1, "the test needs a piece that reads several rows: " + first);
            harness.setProcessingTime(HOST + transitMs);
            harness.processElement(fromHost(RowRange.of(first.start(), first.start() + 1)), 0);
            harness.setProcessingTime(HOST + transitMs + restAfterMs);
            harness.processElement(fromHost(RowRange.of(first.start() + 1, first.end())), 0);
            for (RowRange more : needs.subList(1, needs.size())) {
                harness.processElement(fromHost(more), 0);
            }
            return harness.extractOutputValues();
        } finally {
            harness.close();
        }
    }

    /** Rows of the last block's input that the host sent secondary 0 at {@code HOST} on its clock, {@code BUDGET} to go. */
    private RowsMessage fromHost(RowRange rows) {
        int layer = plan.blocks().get(block).block().first();
        RowsMessage frame = new RowsMessage();
        frame.cameraId = "cam";
        frame.sequence = 1;
        frame.deadlineMillis = HOST + BUDGET;
        frame.plan = spec;
        return RowsMessage.about(frame, block, 0, 1, rows, Frames.random(1, plan.model().channels()[layer], rows.end(),
                plan.model().widths(40)[layer]).rows(rows.start(), rows.end()), Timings.of(3)).sentAt(HOST, HOST + BUDGET);
    }

    @ParameterizedTest(name = "skew {0} ms")
    @ValueSource(longs = {-2_000, 0, 2_000})
    void aSkewedClockComputesPassesTheSameBudgetOnAndClosesTheRoundTrip(long skew) throws Exception {
        List<RowsMessage> sent = secondaryZero(skew, 30, 0);
        assertFalse(sent.isEmpty(), "a frame with 970 ms to go is computed");
        for (RowsMessage m : sent) {
            assertEquals(1, m.from);
            // the first rows of a frame close no round trip: their 30 ms on the link are not known yet
            assertEquals(BUDGET, m.budgetMillis, "the time left, whatever the secondary's clock reads");
        }
        RowsMessage toHost = sent.stream().filter(m -> m.to == 0).findFirst().orElseThrow();
        assertEquals(HOST, toHost.echoSentAtMillis, "the host's own send stamp comes back");
        // the host takes it in 30 ms later by its own clock: 60 ms round trip, nothing held in the harness
        toHost.arrive(HOST + 60 + toHost.echoHeldMillis);
        assertEquals(30.0, toHost.linkMillis(), 1e-9);
        assertEquals(HOST + 60 + toHost.echoHeldMillis + BUDGET - 30, toHost.localDeadlineMillis,
                "the host's copy of the deadline: arrival, plus the budget, less the estimated way over the link");
    }

    @ParameterizedTest(name = "skew {0} ms")
    @ValueSource(longs = {-2_000, 0, 2_000})
    void aFrameThatRanOutOfTimeIsNotSentOnWhateverTheClockReads(long skew) throws Exception {
        assertTrue(secondaryZero(skew, 30, BUDGET + 50).isEmpty(),
                "its rows complete 1.08 s after they were sent with 1 s to go: nothing is sent on");
    }
}
