package dev.halp.job.view;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.ResultRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /api/summary}: per camera and per edge server, from the frames the store holds. */
final class Summary {

    private Summary() {
    }

    static Map<String, Object> of(FrameStore store) {
        Map<String, Object> cameras = new TreeMap<>();
        Map<String, EdgeServer> servers = new TreeMap<>();
        Map<String, CameraStats> windows = store.windows();
        store.recentByCamera().forEach((camera, recent) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            ResultRecord lastMet = null;
            List<Object[]> latency = new ArrayList<>();
            Map<String, Long> missesByReason = new TreeMap<>();
            long met = 0;
            for (ResultRecord r : recent) {
                latency.add(new Object[] {r.sequence, Math.round(r.latencyMs), r.met()});
                if (r.met()) {
                    met++;
                    lastMet = r;
                } else {
                    missesByReason.merge(reason(r), 1L, Long::sum);
                }
                r.es.forEach((name, es) -> servers.computeIfAbsent(name, n -> new EdgeServer()).add(es));
            }
            c.put("frames", recent.size());
            c.put("hitRatio", recent.isEmpty() ? 0 : (double) met / recent.size());
            c.put("lastLabel", lastMet == null ? null : lastMet.top1());
            c.put("lastSequence", recent.isEmpty() ? null : recent.get(recent.size() - 1).sequence);
            c.put("deadlineMs", recent.isEmpty() ? null : recent.get(recent.size() - 1).deadlineMillis
                    - recent.get(recent.size() - 1).captureMillis);
            c.put("latency", latency);
            c.put("missesByReason", missesByReason);
            c.put("window", windows.get(camera));
            cameras.put(camera, c);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cameras", cameras);
        Map<String, Object> es = new TreeMap<>();
        servers.forEach((name, s) -> es.put(name, s.toMap()));
        out.put("edgeServers", es);
        out.put("bounds", Map.of("framesPerCamera", FrameStore.PER_CAMERA, "cameras", FrameStore.MAX_CAMERAS,
                "recentFrames", FrameStore.RECENT));
        return out;
    }

    /** A miss's reason without its numbers: "deadline passed", "shed: predicted late", ... */
    static String reason(ResultRecord r) {
        String e = r.error == null ? "missed" : r.error;
        int cut = e.indexOf(" with ");
        cut = cut < 0 ? e.indexOf(" (") : cut;
        return cut < 0 ? e : e.substring(0, cut);
    }

    private static final class EdgeServer {
        String taskManager;
        long frames;
        double rows;
        double computeMs;
        double waitMs;

        void add(ResultRecord.EsReport es) {
            taskManager = es.taskManager != null ? es.taskManager : taskManager;
            frames++;
            rows += es.rowsComputed;
            computeMs += es.computeMs;
            waitMs += es.waitMs;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("taskManager", taskManager);
            m.put("rowsPerFrame", Math.round(rows / frames));
            m.put("computeMsPerFrame", Math.round(computeMs / frames));
            m.put("waitMsPerFrame", Math.round(waitMs / frames));
            return m;
        }
    }
}
