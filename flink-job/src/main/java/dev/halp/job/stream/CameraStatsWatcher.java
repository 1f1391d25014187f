package dev.halp.job.stream;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the camera-stats topic (read_committed) for {@code bin/halp run}: prints one line per camera and window
 * as it fires (again, marked, when late results revise it) and keeps each window's latest revision.
 */
final class CameraStatsWatcher implements AutoCloseable {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final KafkaConsumer<String, String> consumer;
    private final PrintWriter out;
    /** Latest revision by camera, then window start. */
    private final Map<String, TreeMap<Long, CameraStats>> windows = new TreeMap<>();

    CameraStatsWatcher(String bootstrap, String topic, boolean fromStart, PrintWriter out) {
        this.out = out;
        consumer = TopicReaders.readCommitted(bootstrap, "halp-run-stats", fromStart ? "earliest" : "latest", List.of(topic));
    }

    void poll(Duration timeout) {
        for (ConsumerRecord<String, String> rec : consumer.poll(timeout)) {
            CameraStats s = Json.read(rec.value(), CameraStats.class);
            if (EmbeddedRun.WARM_UP_CAMERA.equals(s.cameraId)) {
                continue;
            }
            CameraStats before = windows.computeIfAbsent(s.cameraId, c -> new TreeMap<>()).get(s.windowStart);
            if (before == null || s.revision > before.revision) {
                windows.get(s.cameraId).put(s.windowStart, s);
                out.println(line(s));
            }
        }
    }

    /** True when every camera's windows reach past its last capture time (the run's last windows fired). */
    boolean covers(Map<String, Long> lastCaptureByCamera) {
        return lastCaptureByCamera.entrySet().stream().allMatch(e -> windows.containsKey(e.getKey())
                && windows.get(e.getKey()).lastEntry().getValue().windowEnd > e.getValue());
    }

    /** Every window's latest revision, by camera then time. */
    List<CameraStats> latest() {
        List<CameraStats> all = new ArrayList<>();
        windows.values().forEach(w -> all.addAll(w.values()));
        return all;
    }

    static String line(CameraStats s) {
        String top = s.top1.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(3).map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
        return String.format("camera %s %s-%s: %d frames, %d met, %d missed (%d shed), p50 %s ms, p99 %s ms%s%s",
                s.cameraId, CLOCK.format(Instant.ofEpochMilli(s.windowStart)), CLOCK.format(Instant.ofEpochMilli(s.windowEnd)),
                s.frames, s.met, s.missed, s.shed, ms(s.latencyP50Ms), ms(s.latencyP99Ms),
                top.isEmpty() ? "" : ", top-1: " + top, s.revision > 0 ? " (revision " + s.revision + ")" : "");
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format("%.0f", v);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
