package dev.halp.operators.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

import java.util.ArrayList;
import java.util.List;

/**
 * Processing-time expiry of the frames a stage buffers under one key (a participant's crafted key holds every
 * frame that participant waits for): each frame is filed under the instant it expires, {@code afterMs} after
 * its first part arrived, rounded up to {@value #BUCKET_MS} ms so that frames share timers. A timer then
 * drops only the frames due at that instant, and expiry does not wait for watermarks, which stop when a camera
 * stops. The index is keyed state, so it survives a restore with the frames it indexes.
 */
final class FrameExpiry {

    /** Expiry instants are rounded up to this: one timer per bucket, not per frame. */
    static final long BUCKET_MS = 100;

    private final MapState<Long, List<String>> due;
    private final long afterMs;

    FrameExpiry(RuntimeContext context, long afterMs) {
        this.due = context.getMapState(new MapStateDescriptor<>("expiry", Types.LONG, Types.LIST(Types.STRING)));
        this.afterMs = afterMs;
    }

    /** Files frame {@code key} to expire {@code afterMs} from now. */
    void schedule(String key, TimerService timers) throws Exception {
        long at = (timers.currentProcessingTime() + afterMs + BUCKET_MS - 1) / BUCKET_MS * BUCKET_MS;
        List<String> keys = due.get(at);
        if (keys == null) {
            keys = new ArrayList<>();
            timers.registerProcessingTimeTimer(at);
        }
        keys.add(key);
        due.put(at, keys);
    }

    /** Drops from {@code buffered} the frames due at {@code timestamp} that are still there; returns how many. */
    int expire(long timestamp, MapState<String, ?> buffered) throws Exception {
        List<String> keys = due.get(timestamp);
        if (keys == null) {
            return 0;
        }
        int dropped = 0;
        for (String key : keys) {
            if (buffered.contains(key)) {
                buffered.remove(key);
                dropped++;
            }
        }
        due.remove(timestamp);
        return dropped;
    }
}
