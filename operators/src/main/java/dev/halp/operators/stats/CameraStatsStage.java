package dev.halp.operators.stats;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Per-camera analytics over the job's results and misses: event time is the capture time
 * ({@link ResultWatermarks}), one tumbling window per camera of {@code window}, late results within
 * {@code allowedLateness} fire their window again, later ones are counted (metric {@code statsTooLate}) and left
 * out.
 */
public final class CameraStatsStage {

    /** Results behind the watermark by more than the allowed lateness. */
    public static final OutputTag<ResultRecord> TOO_LATE = new OutputTag<>("stats-too-late") { };

    private CameraStatsStage() {
    }

    /**
     * Capture time as event time; {@code boundMs}: how far out of capture order results may come (the deadline
     * plus a grace); {@code idleMs}: how long without results before the watermark follows the wall clock.
     */
    public static WatermarkStrategy<ResultRecord> captureTime(long boundMs, long idleMs) {
        return WatermarkStrategy.<ResultRecord>forGenerator(ctx -> new ResultWatermarks(boundMs, idleMs))
                .withTimestampAssigner((r, ts) -> r.captureMillis);
    }

    /** The windows' statistics, with event time and watermarks as {@code watermarks} says. */
    public static SingleOutputStreamOperator<CameraStats> windows(DataStream<ResultRecord> results,
                                                                  WatermarkStrategy<ResultRecord> watermarks,
                                                                  Duration window, Duration allowedLateness) {
        return results
                .assignTimestampsAndWatermarks(watermarks)
                .name("camera stats: capture time").uid("camera-stats-watermarks")
                .keyBy(r -> r.cameraId)
                .window(TumblingEventTimeWindows.of(window))
                .allowedLateness(allowedLateness)
                .sideOutputLateData(TOO_LATE)
                .aggregate(new CameraStatsAggregate(), new CameraStatsWindow())
                .name("camera stats").uid("camera-stats");
    }

    /** Counts what {@link #TOO_LATE} carries, so that results left out of the statistics are visible. */
    public static final class CountTooLate extends ProcessFunction<ResultRecord, Void> {
        private transient Counter tooLate;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            tooLate = getRuntimeContext().getMetricGroup().counter("statsTooLate");
        }

        @Override
        public void processElement(ResultRecord r, Context ctx, Collector<Void> out) {
            tooLate.inc();
        }
    }
}
