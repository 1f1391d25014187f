package dev.halp.job.view;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.ResultRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the view holds, bounded: per camera its last {@link #PER_CAMERA} result and miss records and its latest
 * statistics window, for at most {@link #MAX_CAMERAS} cameras (the one updated longest ago is dropped first):
 * at most 256 x 200 = 51,200 frames in memory. Thread-safe: the Kafka reader adds, HTTP requests read.
 */
final class FrameStore {

    static final int PER_CAMERA = 200;
    static final int MAX_CAMERAS = 256;
    /** Frames per camera that the summary's sparklines, hit ratios and edge server figures cover. */
    static final int RECENT = 60;

    /** Cameras, the one updated longest ago first. */
    private final LinkedHashMap<String, Deque<ResultRecord>> frames = new LinkedHashMap<>();
    private final Map<String, CameraStats> windows = new TreeMap<>();

    synchronized void add(ResultRecord r) {
        Deque<ResultRecord> q = frames.remove(r.cameraId);
        q = q == null ? new ArrayDeque<>() : q;
        frames.put(r.cameraId, q); // now the most recently updated
        q.addLast(r);
        while (q.size() > PER_CAMERA) {
            q.removeFirst();
        }
        while (frames.size() > MAX_CAMERAS) {
            String oldest = frames.keySet().iterator().next();
            frames.remove(oldest);
            windows.remove(oldest);
        }
    }

    synchronized void add(CameraStats s) {
        CameraStats before = windows.get(s.cameraId);
        if (frames.containsKey(s.cameraId) && (before == null || s.windowStart > before.windowStart
                || s.windowStart == before.windowStart && s.revision >= before.revision)) {
            windows.put(s.cameraId, s);
        }
    }

    synchronized boolean knows(String camera) {
        return frames.containsKey(camera);
    }

    /** The last {@code k} records of {@code camera}, oldest first ({@code camera} null: of every camera, by completion). */
    synchronized List<ResultRecord> last(String camera, int k) {
        List<ResultRecord> all = new ArrayList<>();
        if (camera != null) {
            all.addAll(frames.getOrDefault(camera, new ArrayDeque<>()));
        } else {
            frames.values().forEach(all::addAll);
            all.sort(java.util.Comparator.comparingLong(r -> r.completionMillis));
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - k), all.size()));
    }

    synchronized Map<String, List<ResultRecord>> recentByCamera() {
        Map<String, List<ResultRecord>> out = new TreeMap<>();
        frames.forEach((camera, q) -> {
            List<ResultRecord> list = new ArrayList<>(q);
            out.put(camera, List.copyOf(list.subList(Math.max(0, list.size() - RECENT), list.size())));
        });
        return out;
    }

    synchronized Map<String, CameraStats> windows() {
        return new TreeMap<>(windows);
    }
}
