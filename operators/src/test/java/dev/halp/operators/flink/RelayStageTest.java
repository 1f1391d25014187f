package dev.halp.operators.flink;

import dev.halp.operators.Frames;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MoDNN's relay on the host in an operator harness that drives its processing time: it gathers every
 * participant's output rows, scatters each its piece's input rows (echoing the rows it got from it, so the
 * secondary learns its link's round trip), drops a frame that ran out of time, and expires a frame whose rows
 * never all come without any watermark.
 */
class RelayStageTest {

    private static final long CLEANUP_AFTER = 10_000;
    private static final int BLOCK = 1;

    private final PlanSpec spec = JobPlans.defaultSpec("modnn", "tiny", 40, 40, 2);
    private final SegmentPlan plan = new JobPlans().plan(spec);
    private KeyedOneInputStreamOperatorTestHarness<Integer, RowsMessage, RowsMessage> harness;
    private TensorBytes input;

    @BeforeEach
    void setUp() throws Exception {
        int layer = plan.blocks().get(BLOCK).block().first();
        input = Frames.random(9, plan.model().channels()[layer], plan.inputHeight(BLOCK),
                plan.model().widths(40)[layer]);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new RelayStage(BLOCK, CLEANUP_AFTER)), m -> m.to, Types.INT);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** Each participant's previous output rows, sent to the host at {@code sentAt} with {@code budget} to go. */
    private List<RowsMessage> gathered(long sentAt, long budget) {
        List<RowsMessage> parts = new ArrayList<>();
        for (Piece p : plan.blocks().get(BLOCK - 1).pieces()) {
            if (p.rows().isEmpty()) {
                continue;
            }
            RowsMessage frame = new RowsMessage();
            frame.cameraId = "cam";
            frame.sequence = 1;
            frame.deadlineMillis = sentAt + budget;
            frame.plan = spec;
            parts.add(RowsMessage.about(frame, BLOCK, Participants.index(p.owner()), 0, p.rows(),
                    input.rows(p.rows().start(), p.rows().end()), Timings.of(3)).sentAt(sentAt, sentAt + budget));
        }
        assertTrue(parts.size() == 3, "host and both secondaries computed rows of the previous layer");
        return parts;
    }

    @Test
    void scattersEveryPieceItsInputRowsAndEchoesEachSecondary() throws Exception {
        harness.setProcessingTime(1_000);
        List<RowsMessage> parts = gathered(990, 2_000);
        for (RowsMessage m : parts) {
            harness.processElement(m, 0);
        }
        List<RowsMessage> sent = harness.extractOutputValues();
        assertEquals(3, sent.size());
        for (RowsMessage m : sent) {
            assertTrue(m.relayed);
            RowRange rows = m.rows();
            assertArrayEquals(input.rows(rows.start(), rows.end()).data(), m.data, "rows " + rows);
            if (m.to != 0) {
                assertEquals(990, m.echoSentAtMillis, "the secondary's own send stamp goes back to it");
            }
        }
    }

    @Test
    void aFrameOutOfTimeIsDroppedAndOneMissingRowsExpiresInProcessingTime() throws Exception {
        harness.setProcessingTime(1_000);
        List<RowsMessage> late = gathered(1_000, -1);
        harness.processElement(late.get(0), 0);
        assertEquals(0, harness.numKeyedStateEntries(), "past its deadline: nothing kept");

        List<RowsMessage> parts = gathered(1_000, 5_000);
        harness.processElement(parts.get(0), 0);
        assertTrue(harness.numKeyedStateEntries() > 0);
        harness.setProcessingTime(1_000 + CLEANUP_AFTER + FrameExpiry.BUCKET_MS);
        assertEquals(0, harness.numKeyedStateEntries(), "expired without a watermark");
        assertEquals(List.of(), harness.extractOutputValues());
    }
}
