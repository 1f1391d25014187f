package dev.halp.operators.stats;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The per-camera windows in a local Flink job, with watermarks driven by the results themselves (each result
 * moves the watermark to its capture time less 1 s), so that which result is on time, late or too late is
 * decided by the order of the input, not by the machine's speed.
 */
class CameraStatsWindowsTest {

    static ResultRecord result(String camera, long capture, String status, double latencyMs, String top1, String error) {
        ResultRecord r = new ResultRecord();
        r.cameraId = camera;
        r.sequence = capture;
        r.captureMillis = capture;
        r.status = status;
        r.latencyMs = latencyMs;
        r.error = error;
        if (top1 != null) {
            ResultRecord.ClassScore c = new ResultRecord.ClassScore(7, 0.9f);
            c.label = top1;
            r.top5 = List.of(c);
        }
        return r;
    }

    static ResultRecord met(String camera, long capture, double latencyMs, String top1) {
        return result(camera, capture, ResultRecord.MET, latencyMs, top1, null);
    }

    static ResultRecord missed(String camera, long capture, String error) {
        return result(camera, capture, ResultRecord.MISSED, 2000, null, error);
    }

    /** The watermark follows every result: its capture time less 1 s. */
    private static WatermarkStrategy<ResultRecord> followingEachResult() {
        return WatermarkStrategy.<ResultRecord>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(ResultRecord r, long ts, WatermarkOutput out) {
                out.emitWatermark(new Watermark(ts - 1000));
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput out) {
            }
        }).withTimestampAssigner((r, ts) -> r.captureMillis);
    }

    @Test
    void windowsKeepCamerasApartAndLateResultsReviseTheirWindowUntilTheAllowedLatenessIsOver() throws Exception {
        List<ResultRecord> input = List.of(
                met("cam-a", 1000, 100, "cat"),
                met("cam-a", 2000, 300, "dog"),
                missed("cam-b", 3000, "deadline passed with 1 of 3 final parts"),
                missed("cam-a", 4000, ResultRecord.SHED_PREFIX + " predicted late"),
                met("cam-b", 12000, 200, "cat"),   // watermark 11 s: both cameras' [0, 10 s) fire
                met("cam-a", 5000, 500, "cat"),    // late, within 30 s: cam-a's [0, 10 s) again, revision 1
                met("cam-b", 60000, 250, "dog"),   // watermark 59 s: [0, 10 s) is past its lateness
                met("cam-a", 6000, 700, "cat"));   // too late: left out, on the side output
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SingleOutputStreamOperator<CameraStats> stats = CameraStatsStage.windows(env.fromData(input),
                followingEachResult(), Duration.ofSeconds(10), Duration.ofSeconds(30));
        List<CameraStats> windows = new ArrayList<>();
        List<ResultRecord> tooLate = new ArrayList<>();
        try (CloseableIterator<CameraStats> s = stats.collectAsync();
             CloseableIterator<ResultRecord> late = stats.getSideOutput(CameraStatsStage.TOO_LATE).collectAsync()) {
            env.execute("camera stats");
            s.forEachRemaining(windows::add);
            late.forEachRemaining(tooLate::add);
        }

        assertEquals(List.of("cam-a@0#0", "cam-b@0#0", "cam-a@0#1", "cam-b@10000#0", "cam-b@60000#0"),
                windows.stream().map(w -> w.cameraId + "@" + w.windowStart + "#" + w.revision).toList());
        CameraStats a0 = windows.get(0);
        assertEquals(10000, a0.windowEnd);
        assertEquals(List.of(3L, 2L, 1L, 1L), List.of(a0.frames, a0.met, a0.missed, a0.shed));
        assertEquals(Map.of("cat", 1L, "dog", 1L), a0.top1);
        assertEquals(100, a0.latencyP50Ms, 1);
        assertEquals(300, a0.latencyP99Ms, 1);
        CameraStats b0 = windows.get(1);
        assertEquals(List.of(1L, 0L, 1L, 0L), List.of(b0.frames, b0.met, b0.missed, b0.shed));
        assertNull(b0.latencyP50Ms, "no met frame, no latency");
        CameraStats a0Revised = windows.get(2);
        assertEquals(List.of(4L, 3L, 1L, 1L), List.of(a0Revised.frames, a0Revised.met, a0Revised.missed, a0Revised.shed));
        assertEquals(Map.of("cat", 2L, "dog", 1L), a0Revised.top1);
        assertEquals(300, a0Revised.latencyP50Ms, 1);
        assertEquals(500, a0Revised.latencyP99Ms, 1);
        assertEquals(List.of(1L, 1L), List.of(windows.get(3).frames, windows.get(3).met));
        assertEquals(List.of("cam-a@6000"), tooLate.stream().map(r -> r.cameraId + "@" + r.captureMillis).toList());
    }
}
