package dev.halp.operators.stats;

import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Event time of the results stream is the frames' capture time. Every frame ends (met, missed or shed) within
 * its deadline plus a grace of its capture, so results come out of capture order by at most {@code boundMs}:
 * the watermark trails the latest capture seen by that much. When no result has come for {@code idleMs} (the
 * cameras stopped, or this merge instance gets none), the watermark advances with the wall clock instead, to
 * {@code now - boundMs}: every frame captured before then has ended, so its camera's window can close rather
 * than wait for a frame that will not come. An instance that has had no result at all marks itself idle after
 * {@code idleMs} (Flink's idleness), so that the other merge instances' watermarks are not held back by it; it
 * does not advance by the wall clock, so a backlog replayed from Kafka is not late. This assumes the cameras' clocks roughly agree with the host's;
 * a result that arrives behind the watermark anyway is late (see the allowed lateness).
 */
public final class ResultWatermarks implements WatermarkGenerator<ResultRecord> {

    private final long boundMs;
    private final long idleMs;
    private long maxCapture = Long.MIN_VALUE;
    private final java.util.function.LongSupplier clock;
    private final long createdWall;
    private long lastEventWall = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    public ResultWatermarks(long boundMs, long idleMs) {
        this(boundMs, idleMs, System::currentTimeMillis);
    }

    /** {@code clock}: the wall clock, in milliseconds (tests pass their own). */
    ResultWatermarks(long boundMs, long idleMs, java.util.function.LongSupplier clock) {
        this.boundMs = boundMs;
        this.idleMs = idleMs;
        this.clock = clock;
        this.createdWall = clock.getAsLong();
    }

    @Override
    public void onEvent(ResultRecord r, long timestamp, WatermarkOutput output) {
        maxCapture = Math.max(maxCapture, timestamp);
        lastEventWall = clock.getAsLong();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.getAsLong();
        long wm = maxCapture == Long.MIN_VALUE ? Long.MIN_VALUE : maxCapture - boundMs - 1;
        if (lastEventWall == Long.MIN_VALUE) {
            if (now - createdWall > idleMs) {
                output.markIdle();
            }
            return;
        }
        if (now - lastEventWall > idleMs) {
            wm = Math.max(wm, now - boundMs - 1);
        }
        if (wm > emitted) {
            emitted = wm;
            output.emitWatermark(new Watermark(wm));
        }
    }
}
