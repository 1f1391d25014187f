package dev.halp.kafka.record;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.TreeMap;

/**
 * One camera's frames in one event-time window of capture times {@code [windowStart, windowEnd)}, written as
 * JSON to the camera-stats topic: how many frames came out, how many met their deadline, missed it, or were
 * shed before any edge server saw them, the latency of the met ones, and how often each class was the top-1.
 * A window fires once when the watermark passes its end; a result that arrives later but within the allowed
 * lateness fires it again with the counts updated and {@code revision} one higher (readers keep the highest).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CameraStats {

    public String cameraId;
    public long windowStart;
    public long windowEnd;
    public long frames;
    public long met;
    /** Every miss, shed ones included. */
    public long missed;
    /** Of the misses, frames admission control shed at the split. */
    public long shed;
    /** Latency (capture to result) of the met frames, p50 and p99; null when none met. */
    public Double latencyP50Ms;
    public Double latencyP99Ms;
    /** Met frames by their top-1 class: its {@code --labels} name, else {@code #index}. */
    public Map<String, Long> top1 = new TreeMap<>();
    /** 0 for the window's first firing, then one more for each firing that late results caused. */
    public int revision;

    public double hitRatio() {
        return frames == 0 ? 0 : (double) met / frames;
    }
}
