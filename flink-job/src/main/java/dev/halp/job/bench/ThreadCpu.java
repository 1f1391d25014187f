package dev.halp.job.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This JVM's CPU time by thread, with threads of one kind (names that differ only in numbers) summed: where
 * a pipeline's CPU goes, without a profiler. Threads that end between two readings are not counted.
 */
final class ThreadCpu {

    private static final int TOP = 12;

    private ThreadCpu() {
    }

    /** CPU nanoseconds so far by thread kind. */
    static Map<String, Long> byName() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            long ns = t == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(kind(t.getThreadName()), ns, Long::sum);
            }
        }
        return out;
    }

    /** Client id of a bench's own producer (the camera it plays). */
    static final String BENCH_CAMERA = "bench-camera";
    /** Client id and group of a bench's own consumer (the results' reader). */
    static final String BENCH_READER = "bench-reader";

    /** Whether threads of this kind belong to a bench's own Kafka clients. */
    static boolean isBenchClient(String kind) {
        return kind.contains(BENCH_CAMERA) || kind.contains(BENCH_READER);
    }

    /** CPU nanoseconds since {@code before} of the thread kinds {@code which} accepts. */
    static long since(Map<String, Long> before, java.util.function.Predicate<String> which) {
        return byName().entrySet().stream().filter(e -> which.test(e.getKey()))
                .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
    }

    /** The {@value #TOP} largest CPU-ms per {@code units} since {@code before}, largest first. */
    static Map<String, Double> top(Map<String, Long> before, int units) {
        Map<String, Double> out = new LinkedHashMap<>();
        byName().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e6 / units))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(TOP)
                .forEach(e -> out.put(e.getKey(), Math.round(e.getValue() * 10) / 10.0));
        return out;
    }

    /** Threads of one kind: names equal but for numbers. */
    static String kind(String name) {
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "#").replaceAll("\\d+", "#");
    }
}
