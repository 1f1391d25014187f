package dev.halp.operators.stats;

import dev.halp.kafka.record.CameraStats;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Names the aggregate's statistics with their camera and window, and numbers the window's firings: the first
 * when the watermark passes the window's end is revision 0, each later one (a late result within the allowed
 * lateness) one more, counted in per-window state that Flink clears with the window.
 */
public final class CameraStatsWindow extends ProcessWindowFunction<CameraStats, CameraStats, String, TimeWindow> {

    private static final ValueStateDescriptor<Integer> FIRINGS = new ValueStateDescriptor<>("firings", Integer.class);

    @Override
    public void process(String camera, Context ctx, Iterable<CameraStats> aggregated, Collector<CameraStats> out)
            throws Exception {
        ValueState<Integer> firings = ctx.windowState().getState(FIRINGS);
        int revision = firings.value() == null ? 0 : firings.value();
        firings.update(revision + 1);
        for (CameraStats s : aggregated) {
            s.cameraId = camera;
            s.windowStart = ctx.window().getStart();
            s.windowEnd = ctx.window().getEnd();
            s.revision = revision;
            out.collect(s);
        }
    }

    @Override
    public void clear(Context ctx) {
        ctx.windowState().getState(FIRINGS).clear();
    }
}
