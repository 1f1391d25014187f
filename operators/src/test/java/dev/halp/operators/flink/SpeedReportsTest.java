package dev.halp.operators.flink;

import dev.halp.operators.exec.StageView;
import dev.halp.kafka.record.Observation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeedReportsTest {

    private final PlanSpec spec = JobPlans.defaultSpec("halp", "tiny", 40, 40, 2);

    private RowsMessage frame() {
        RowsMessage m = new RowsMessage();
        m.cameraId = "cam";
        m.sequence = 7;
        m.plan = spec;
        return m;
    }

    @Test
    void aBoundSpreadsTheTimeSoFarOverEveryRowThePlanGivesTheSecondary() {
        JobPlans plans = new JobPlans();
        Observation half = new SpeedReports(plans, 1).atLeast(frame(), 50).orElseThrow();
        Observation full = new SpeedReports(plans, 1).atLeast(frame(), 100).orElseThrow();
        assertEquals("secondary_0", half.participant);
        assertEquals(0, half.msPerRow);
        assertEquals(2 * half.msPerRowAtLeast, full.msPerRowAtLeast, 1e-12, "proportional to the time so far");
        // every block's rows count: the first block alone would give a bound several times larger
        int firstBlockRows = StageView.of(plans.plan(spec), 0, 1).work.stream()
                .mapToInt(w -> w.steps().stream().mapToInt(s -> s.outputRows().size()).sum()).sum();
        assertTrue(full.msPerRowAtLeast < 100.0 / firstBlockRows, full.msPerRowAtLeast + " vs " + 100.0 / firstBlockRows);
    }

    @Test
    void aMeasurementIsTimePerComputedRowOfOneFrameAndTheHostReportsNoBound() {
        JobPlans plans = new JobPlans();
        Observation o = new SpeedReports(plans, 2).measured(frame(), 30, 12).orElseThrow();
        assertEquals("secondary_1", o.participant);
        assertEquals(2.5, o.msPerRow, 1e-12);
        assertEquals(0, o.msPerRowAtLeast);
        assertTrue(new SpeedReports(plans, 2).measured(frame(), 30, 0).isEmpty(), "no rows, no speed");
        assertTrue(new SpeedReports(plans, 0).atLeast(frame(), 100).isEmpty(), "the host has no link to bound");
        assertEquals(2.5, new SpeedReports(plans, 0).measured(frame(), 30, 12).orElseThrow().msPerRow, 1e-12,
                "the host's speed: the forecast needs it");
        RowsMessage batch = frame();
        batch.batchCameraIds = new String[] {"cam", "cam"};
        assertEquals(1.25, new SpeedReports(plans, 2).measured(batch, 30, 12).orElseThrow().msPerRow, 1e-12,
                "a batch of 2 computes every row twice");
    }
}
