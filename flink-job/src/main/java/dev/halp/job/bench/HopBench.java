package dev.halp.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.job.cluster.ClusterState;
import dev.halp.job.cluster.CpuQuotas;
import dev.halp.job.cluster.FlinkRest;
import dev.halp.job.stream.HopJob;
import dev.halp.partitioner.cost.Link;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cost of one exchange between two TaskManagers of a running cluster ({@link HopJob}): one-way time (half
 * the round trip) of rows messages of several sizes, p50 and p99, and the line {@code fixed + perMb * MB}
 * through the p50s, which is what the planner's link model takes (latency and effective bandwidth).
 */
public final class HopBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One size's one-way times in ms. */
    public record Size(int bytes, double p50Ms, double p99Ms) {
    }

    /**
     * The measured hop: sizes, the least-squares line through their one-way p50s, and the milliseconds each
     * end's TaskManager was busy per MB it sent or received (its CPU time from its CPU group, over its quota;
     * NaN without CPU groups).
     */
    public record Result(List<Size> sizes, double fixedMs, double msPerMb, double deviceMsPerMb, double nominalMbps) {

        /**
         * The link the planner should use: the fixed cost as latency; per MB, what the one-way line leaves once
         * both ends' device time is taken out, and never faster than the link's nominal rate.
         */
        public Link link() {
            double device = Double.isNaN(deviceMsPerMb) ? 0 : deviceMsPerMb;
            double wire = Math.max(8000.0 / nominalMbps, msPerMb - 2 * device);
            return new Link(8000.0 / wire, Math.max(0, fixedMs));
        }

        /** What each end's device spends per MB moved, for {@code Cluster.exchangeMsPerMb}. */
        public double exchangeMsPerMb() {
            return Double.isNaN(deviceMsPerMb) ? 0 : deviceMsPerMb;
        }

        public Map<String, Object> json() {
            Map<String, Object> o = new java.util.LinkedHashMap<>();
            o.put("fixed_ms", round(fixedMs));
            o.put("ms_per_mb", round(msPerMb));
            o.put("device_ms_per_mb_each_end", round(exchangeMsPerMb()));
            o.put("link_mbps", round(link().bandwidthMbps()));
            o.put("sizes", sizes.stream().map(s -> Map.of("bytes", s.bytes(), "p50_ms", round(s.p50Ms()),
                    "p99_ms", round(s.p99Ms()))).toList());
            return o;
        }
    }

    private HopBench() {
    }

    /** Runs the probe job on the cluster (its jar already uploaded as {@code jarId}) and reads its results. */
    public static Result measure(FlinkRest rest, String jarId, ClusterState cluster, List<Integer> sizesKb,
                                 int messages, int nominalMbps, PrintWriter out) throws Exception {
        CpuQuotas quotas = cluster.cpuGroups().isEmpty() ? null : CpuQuotas.detect();
        // the TaskManagers' background, idle, to take out of what the probes cost them
        double idlePerMs = quotas == null ? 0 : cpuRate(quotas, cluster, 3000);
        // the window for CPU time: from the first probe after the warm-up rounds (the job deployed, its code
        // compiled) to the last; the probes that arrive in it are the bytes it moved
        long cpu0 = 0;
        long t0 = 0;
        long bytesInWindow = 0;
        long cpu1 = 0;
        long t1 = 0;
        String topic = "hops-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        String job = rest.runJar(jarId, HopJob.class.getName(), List.of("--bootstrap", cluster.bootstrap(), "--topic",
                topic, "--sizes-kb", sizesKb.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow(),
                "--messages", Integer.toString(messages), "--interval-ms", "600", "--slot-labels"));
        Map<Integer, Histogram> oneWay = new TreeMap<>();
        int expected = messages * sizesKb.size();
        int seen = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (seen < expected && System.nanoTime() < until) {
                String state = rest.job(job).state();
                if (List.of("FAILED", "CANCELED").contains(state)) {
                    throw new IllegalStateException("the hop probe job " + job + " is " + state
                            + " (see the cluster's jobmanager.log)");
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode j = JSON.readTree(r.value());
                    // the first rounds of probes warm the path up
                    if (j.get("index").asInt() / sizesKb.size() >= Math.min(3, messages / 4)) {
                        if (t0 == 0) {
                            cpu0 = quotas == null ? 0 : cpuNanos(quotas, cluster);
                            t0 = System.nanoTime();
                        } else {
                            bytesInWindow += j.get("bytes").asLong();
                            cpu1 = quotas == null ? 0 : cpuNanos(quotas, cluster);
                            t1 = System.nanoTime();
                        }
                        oneWay.computeIfAbsent(j.get("bytes").asInt(), b -> new Histogram(3))
                                .recordValue(Math.max(1, Math.round(j.get("rtt_ms").asDouble() * 500)));
                    }
                    seen++;
                }
            }
        } finally {
            try {
                rest.cancel(job);
            } catch (java.io.IOException finishedMeanwhile) {
                // a job that already ended cannot be cancelled (HTTP 409): nothing left to stop
            }
        }
        if (seen < expected) {
            throw new IllegalStateException("hop probe: " + seen + " of " + expected + " round trips came back");
        }
        double deviceMsPerMb = Double.NaN;
        if (quotas != null) {
            double busyMs = (cpu1 - cpu0) / 1e6 - idlePerMs * (t1 - t0) / 1e6;
            double mb = bytesInWindow / 1e6;
            double quota = quotas.quota(cluster.cpuGroups().values().iterator().next());
            // every probe crosses twice, and every crossing costs a sender and a receiver
            deviceMsPerMb = Math.max(0, busyMs) / (4 * mb) / (quota > 0 ? quota : 1);
        }
        List<Size> sizes = new ArrayList<>();
        oneWay.forEach((bytes, h) -> sizes.add(new Size(bytes, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0)));
        double[] line = fit(sizes);
        Result result = new Result(sizes, line[0], line[1], deviceMsPerMb, nominalMbps);
        for (Size s : sizes) {
            out.printf("hop %7d bytes: one way p50 %6.2f ms, p99 %6.2f ms%n", s.bytes(), s.p50Ms(), s.p99Ms());
        }
        out.printf("hop cost: %.2f ms + %.2f ms per MB one way; each end's device busy %.2f ms per MB; link as "
                        + "planned %.0f Mbit/s%n", result.fixedMs(), result.msPerMb(), result.exchangeMsPerMb(),
                result.link().bandwidthMbps());
        return result;
    }

    private static long cpuNanos(CpuQuotas quotas, ClusterState cluster) throws java.io.IOException {
        long sum = 0;
        for (CpuQuotas.Group g : cluster.cpuGroups().values()) {
            sum += quotas.usageNanos(g);
        }
        return sum;
    }

    /** CPU milliseconds per wall millisecond of all TaskManagers together, over {@code ms}. */
    private static double cpuRate(CpuQuotas quotas, ClusterState cluster, long ms) throws Exception {
        long a = cpuNanos(quotas, cluster);
        long t = System.nanoTime();
        Thread.sleep(ms);
        return (cpuNanos(quotas, cluster) - a) / (double) (System.nanoTime() - t);
    }

    /**
     * Least squares {@code p50 = a + b * MB} with {@code a, b >= 0}: where noise tilts the free line below zero
     * at no bytes, the line through the origin (an exchange cannot take negative time).
     */
    static double[] fit(List<Size> sizes) {
        int n = sizes.size();
        double mx = sizes.stream().mapToDouble(s -> s.bytes() / 1e6).average().orElse(0);
        double my = sizes.stream().mapToDouble(Size::p50Ms).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Size s : sizes) {
            sxy += (s.bytes() / 1e6 - mx) * (s.p50Ms() - my);
            sxx += (s.bytes() / 1e6 - mx) * (s.bytes() / 1e6 - mx);
        }
        double b = n < 2 || sxx == 0 ? 0 : Math.max(0, sxy / sxx);
        if (my - b * mx >= 0) {
            return new double[] {my - b * mx, b};
        }
        double xy = sizes.stream().mapToDouble(s -> s.bytes() / 1e6 * s.p50Ms()).sum();
        double xx = sizes.stream().mapToDouble(s -> s.bytes() / 1e6 * s.bytes() / 1e6).sum();
        return new double[] {0, xx == 0 ? 0 : xy / xx};
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
