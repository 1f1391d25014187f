package dev.halp.operators.stats;

import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultWatermarksTest {

    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark w) {
            watermarks.add(w.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }

        long last() {
            return watermarks.get(watermarks.size() - 1);
        }
    }

    @Test
    void theWatermarkTrailsTheLatestCaptureByTheBoundThenFollowsTheWallClockWhenResultsStop() {
        AtomicLong wall = new AtomicLong(100_000);
        ResultWatermarks w = new ResultWatermarks(3_000, 2_000, wall::get);
        Output out = new Output();
        w.onEvent(new ResultRecord(), 99_000, out);
        w.onEvent(new ResultRecord(), 98_000, out); // out of capture order: the watermark does not go back
        w.onPeriodicEmit(out);
        assertEquals(99_000 - 3_000 - 1, out.last());
        wall.set(101_500); // 1.5 s without results: not idle yet
        w.onPeriodicEmit(out);
        assertEquals(1, out.watermarks.size(), "nothing new to say");
        wall.set(102_500); // 2.5 s: the cameras stopped; every frame captured before now - bound has ended
        w.onPeriodicEmit(out);
        assertEquals(102_500 - 3_000 - 1, out.last());
        wall.set(110_000);
        w.onPeriodicEmit(out);
        assertEquals(110_000 - 3_000 - 1, out.last());
        assertFalse(out.idle);
    }

    @Test
    void anInstanceWithoutAnyResultIsIdleRatherThanAdvancingSoABacklogIsNotLate() {
        AtomicLong wall = new AtomicLong(0);
        ResultWatermarks w = new ResultWatermarks(3_000, 2_000, wall::get);
        Output out = new Output();
        w.onPeriodicEmit(out);
        assertFalse(out.idle);
        wall.set(5_000);
        w.onPeriodicEmit(out);
        assertTrue(out.idle, "Flink's idleness: the other instances' watermarks go on without this one");
        assertTrue(out.watermarks.isEmpty(), "no wall-clock watermark before the first result");
        w.onEvent(new ResultRecord(), 1_000, out); // a backlog frame captured long before now
        w.onPeriodicEmit(out);
        assertEquals(1_000 - 3_000 - 1, out.last());
        assertFalse(out.idle);
    }
}
