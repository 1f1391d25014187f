package dev.halp.job.stream;

import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the results and dead-letter topics (read_committed) and keeps the run's statistics: counts,
 * an end-to-end latency histogram, deadline hit ratio, bytes per frame by edge server and where each
 * edge server ran.
 */
final class ResultsWatcher implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final String resultsTopic;
    private final Histogram latency = new Histogram(3_600_000L, 3);
    /** |actual - predicted| finish of computed frames that carried a prediction. */
    private final Histogram predictionError = new Histogram(3_600_000L, 3);
    /** How many frames ran on which plan ("halp on secondary_1", "local", "not computed"). */
    private final Map<String, Long> plans = new TreeMap<>();
    private final Map<String, Long> bytesIn = new TreeMap<>();
    private final Map<String, Double> computeMs = new TreeMap<>();
    private final Map<String, Double> waitMs = new TreeMap<>();
    private final Map<String, String> placement = new TreeMap<>();
    private final List<ResultRecord> all = new ArrayList<>();
    private long met;
    private long missed;
    private long deadLetters;
    private int warmUps;


    /** {@code fromStart}: read the topics from the beginning (a fresh broker) or only what arrives from now on. */
    ResultsWatcher(String bootstrap, String resultsTopic, String deadLetterTopic, boolean fromStart) {
        this.resultsTopic = resultsTopic;
        consumer = TopicReaders.readCommitted(bootstrap, "halp-run-watcher", fromStart ? "earliest" : "latest",
                List.of(resultsTopic, deadLetterTopic));
    }

    /** Polls once; returns how many records arrived. */
    int poll(Duration timeout) {
        int n = 0;
        for (ConsumerRecord<String, String> rec : consumer.poll(timeout)) {
            n++;
            if (!rec.topic().equals(resultsTopic)) {
                deadLetters++;
                continue;
            }
            ResultRecord r = Json.read(rec.value(), ResultRecord.class);
            if (EmbeddedRun.WARM_UP_CAMERA.equals(r.cameraId)) {
                warmUps++;
                continue;
            }
            all.add(r);
            if (r.met()) {
                met++;
            } else {
                missed++;
            }
            latency.recordValue(Math.max(0, Math.round(r.latencyMs)));
            if (r.predictedFinishMillis > 0 && r.scoresSha256 != null) {
                predictionError.recordValue(Math.abs(r.completionMillis - r.predictedFinishMillis));
            }
            plans.merge(planOf(r), 1L, Long::sum);
            r.es.forEach((es, report) -> {
                bytesIn.merge(es, report.bytesIn, Long::sum);
                computeMs.merge(es, report.computeMs, Double::sum);
                waitMs.merge(es, report.waitMs, Double::sum);
                if (report.taskManager != null) {
                    placement.putIfAbsent(es, report.taskManager);
                }
            });
        }
        return n;
    }

    /** The scheme and the secondaries that computed rows of the frame. */
    static String planOf(ResultRecord r) {
        List<String> on = r.es.entrySet().stream().filter(e -> !e.getKey().equals("host") && e.getValue().rowsComputed > 0)
                .map(Map.Entry::getKey).toList();
        if (r.es.values().stream().allMatch(e -> e.rowsComputed == 0)) {
            return "not computed";
        }
        return on.isEmpty() ? "local" : r.scheme + " on " + String.join(", ", on);
    }

    /** Warm-up frames that came back (result or miss). */
    int warmUps() {
        return warmUps;
    }

    long met() {
        return met;
    }

    long missed() {
        return missed;
    }

    long deadLetters() {
        return deadLetters;
    }

    long accounted() {
        return met + missed + deadLetters;
    }

    List<ResultRecord> results() {
        return all;
    }

    /** The latest capture time of each camera's frames that came back (warm-up frames are not counted). */
    Map<String, Long> lastCaptureByCamera() {
        Map<String, Long> last = new TreeMap<>();
        all.forEach(r -> last.merge(r.cameraId, r.captureMillis, Math::max));
        return last;
    }

    double percentile(double p) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p);
    }

    double hitRatio() {
        return met + missed == 0 ? 0 : (double) met / (met + missed);
    }

    Map<String, Object> summary(long framesIn) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("frames_in", framesIn);
        o.put("results", met);
        o.put("misses", missed);
        o.put("dead_letters", deadLetters);
        o.put("p50_ms", percentile(50));
        o.put("p99_ms", percentile(99));
        o.put("deadline_hit_ratio", hitRatio());
        o.put("prediction_error_p50_ms", predictionError.getTotalCount() == 0 ? null : predictionError.getValueAtPercentile(50));
        o.put("prediction_error_p99_ms", predictionError.getTotalCount() == 0 ? null : predictionError.getValueAtPercentile(99));
        o.put("frames_by_plan", plans);
        // every frame must end in exactly one result, miss or dead letter
        long distinct = all.stream().map(r -> r.cameraId + "#" + r.sequence).distinct().count();
        o.put("duplicates", all.size() - distinct);
        o.put("lost", Math.max(0, framesIn - distinct - deadLetters));
        Map<String, Long> perFrame = new TreeMap<>();
        long frames = Math.max(1, met + missed);
        bytesIn.forEach((es, b) -> perFrame.put(es, b / frames));
        o.put("bytes_per_frame_by_es", perFrame);
        Map<String, Long> compute = new TreeMap<>();
        computeMs.forEach((es, ms) -> compute.put(es, Math.round(ms / frames)));
        o.put("compute_ms_per_frame_by_es", compute);
        Map<String, Long> wait = new TreeMap<>();
        waitMs.forEach((es, ms) -> wait.put(es, Math.round(ms / frames)));
        o.put("wait_ms_per_frame_by_es", wait);
        o.put("task_managers_by_es", placement);
        return o;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
