package dev.halp.operators.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * What one camera's window has seen so far (a Flink POJO, kept in window state): counts, the met frames'
 * latencies in milliseconds (a window holds at most its frames: seconds times the camera's rate), and
 * top-1 counts.
 */
public class CameraWindowAccumulator {

    public long frames;
    public long met;
    public long missed;
    public long shed;
    public long[] latenciesMs = new long[0];
    public int latencyCount;
    public Map<String, Long> top1 = new HashMap<>();

    void addLatency(long ms) {
        if (latencyCount == latenciesMs.length) {
            latenciesMs = java.util.Arrays.copyOf(latenciesMs, Math.max(16, 2 * latencyCount));
        }
        latenciesMs[latencyCount++] = ms;
    }
}
