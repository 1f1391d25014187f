package dev.halp.job.bench;

import dev.halp.kafka.camera.CameraSimulator;
import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.Json;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.job.stream.JobOptions;
import dev.halp.job.stream.StreamingJob;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's cost: the Flink job with the Local scheme (Kafka in, decode, the host's stage, merge and
 * head, Kafka out) against a plain loop of DJL forward passes on the same frames with the same threads, as
 * steady-state frames per second and as CPU time per frame. Measured in rounds that alternate the two sides in
 * one process (the job stays up, idle, while the loop runs), and each ratio is the median of the rounds'
 * ratios: a machine whose speed drifts over minutes would otherwise put its drift into the ratio. CPU time is
 * this process's own (the broker runs in a JVM of its own, so its work is not counted): wall-clock rates on a
 * shared 2-core machine move by tens of percent, CPU per frame by a few. The bench's own Kafka clients (the
 * camera it plays and the results' reader) and, on the job's side, the thread that drives them are not the job:
 * their CPU is left out of both sides (and reported), as the broker's is.
 */
public final class OverheadBench {

    private final String model;
    private final int height;
    private final int width;
    private final int frames;
    private final int threads;
    private final int rounds;
    private final PrintWriter out;

    public OverheadBench(String model, int height, int width, int frames, int threads, int rounds, PrintWriter out) {
        this.model = model;
        this.height = height;
        this.width = width;
        this.frames = frames;
        this.threads = threads;
        this.rounds = rounds;
        this.out = out;
    }

    public Map<String, Object> run() throws Exception {
        List<FrameRecord> input = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            input.add(CameraSimulator.synthetic("bench", i, System.currentTimeMillis(), width, height, 100 + i));
        }
        ModelSpec spec = Models.byName(model);
        List<Double> djl = new ArrayList<>();
        List<Double> flink = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> djlCpu = new ArrayList<>();
        List<Double> flinkCpu = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        Map<String, Double> jobThreads = Map.of();
        Map<String, Double> plainThreads = Map.of();
        List<Double> excluded = new ArrayList<>();
        String driver = ThreadCpu.kind(Thread.currentThread().getName());
        try (CnnModel m = CnnModel.builder().setSpec(spec).optSeed(7).optThreads(threads).build();
             RunningJob job = new RunningJob()) {
            for (int i = 0; i < Math.min(2, input.size()); i++) {
                infer(m, spec, input.get(i));
            }
            // one untimed round of both sides: the job's path is compiled by the JIT while it first runs
            job.prepare(input, -1);
            plainLoop(m, spec, input);
            job.framesPerSecond(input, -1);
            for (int r = 0; r < rounds; r++) {
                job.prepare(input, r);
                // the camera (producer) and the results' reader are not the job: their threads are not counted,
                // nor, on the job's side, this thread, which only drives them
                long cpu0 = cpuNanos();
                Map<String, Long> threads0 = ThreadCpu.byName();
                djl.add(plainLoop(m, spec, input));
                long clients = ThreadCpu.since(threads0, ThreadCpu::isBenchClient);
                djlCpu.add((cpuNanos() - cpu0 - clients) / 1e6 / input.size());
                plainThreads = ThreadCpu.top(threads0, input.size());
                cpu0 = cpuNanos();
                threads0 = ThreadCpu.byName();
                flink.add(job.framesPerSecond(input, r));
                clients = ThreadCpu.since(threads0, k -> k.equals(driver) || ThreadCpu.isBenchClient(k));
                flinkCpu.add((cpuNanos() - cpu0 - clients) / 1e6 / input.size());
                excluded.add(clients / 1e6 / input.size());
                jobThreads = ThreadCpu.top(threads0, input.size());
                ratios.add(flink.get(r) / djl.get(r));
                cpuRatios.add(djlCpu.get(r) / flinkCpu.get(r));
                out.printf("round %d: plain DJL loop %.2f frames/s %.0f CPU-ms/frame, Flink job (local scheme, Kafka in "
                                + "and out) %.2f frames/s %.0f CPU-ms/frame; ratios %.3f (rate), %.3f (plain/job CPU)%n",
                        r + 1, djl.get(r), djlCpu.get(r), flink.get(r), flinkCpu.get(r), ratios.get(r), cpuRatios.get(r));
            }
        }
        double ratio = median(ratios);
        double cpuRatio = median(cpuRatios);
        double cpuSpread = cpuRatios.stream().mapToDouble(x -> Math.abs(x / cpuRatio - 1)).max().orElse(0);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model);
        o.put("height", height);
        o.put("width", width);
        o.put("frames", frames);
        o.put("threads", threads);
        o.put("rounds", rounds);
        o.put("djl_fps", round(median(djl)));
        o.put("flink_fps", round(median(flink)));
        o.put("round_ratios", ratios.stream().map(OverheadBench::round).toList());
        o.put("ratio", round(ratio));
        o.put("djl_cpu_ms_per_frame", round(median(djlCpu)));
        o.put("flink_cpu_ms_per_frame", round(median(flinkCpu)));
        o.put("round_cpu_ratios", cpuRatios.stream().map(OverheadBench::round).toList());
        o.put("cpu_ratio", round(cpuRatio));
        o.put("cpu_ratio_max_deviation_from_median", round(cpuSpread));
        o.put("bench_clients_cpu_ms_per_frame", round(median(excluded)));
        o.put("job_cpu_ms_per_frame_by_thread", jobThreads);
        o.put("plain_cpu_ms_per_frame_by_thread", plainThreads);
        out.printf("plain DJL loop: %.2f frames/s (median)%n", median(djl));
        out.printf("Flink job (local scheme, Kafka in and out): %.2f frames/s (median)%n", median(flink));
        out.printf("ratio Flink / plain DJL: %.3f (median of %d rounds)%n", ratio, rounds);
        out.printf("CPU per frame: plain DJL %.0f ms, Flink job %.0f ms; plain / job %.3f (median; rounds within %.1f%%)%n",
                median(djlCpu), median(flinkCpu), cpuRatio, 100 * cpuSpread);
        out.printf("the job's CPU-ms per frame by thread (last round): %s%n", jobThreads);
        out.printf("the plain loop's CPU-ms per frame by thread (last round): %s%n", plainThreads);
        return o;
    }

    /** This process's CPU time, all threads. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double plainLoop(CnnModel m, ModelSpec spec, List<FrameRecord> input) {
        long t0 = System.nanoTime();
        for (FrameRecord f : input) {
            infer(m, spec, f);
        }
        return input.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static float[] infer(CnnModel m, ModelSpec spec, FrameRecord f) {
        TensorBytes t = TensorBytes.ofFloats(new long[] {1, 3, f.height, f.width}, FramePixels.toRgbPlanes(f));
        return m.head(m.features(t, 0, spec.features().size()))[0];
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The broker and the Local-scheme job, started once and warmed up with two frames. */
    private final class RunningJob implements AutoCloseable {
        private final ChildBroker broker;
        private final JobOptions o = new JobOptions();
        private final JobClient job;
        private final KafkaProducer<byte[], byte[]> producer;
        private final KafkaConsumer<String, String> consumer;

        RunningJob() throws Exception {
            broker = ChildBroker.start();
            new picocli.CommandLine(o).parseArgs("--model", model, "--scheme", "local", "--secondaries", "1",
                    "--threads", String.valueOf(threads), "--deadline-ms", "600000", "--deadline-clock", "ingest",
                    "--warmup-size", height + "x" + width, "--bootstrap", broker.bootstrapServers());
            o.validate();
            broker.createTopics(List.of(o.topics()));
            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, 2);
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
            StreamingJob.configure(env, o);
            StreamingJob.attachKafka(env, o);
            job = env.executeAsync("bench overhead");
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(32 << 20),
                    ProducerConfig.CLIENT_ID_CONFIG, ThreadCpu.BENCH_CAMERA),
                    new ByteArraySerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, ThreadCpu.BENCH_READER,
                    ConsumerConfig.CLIENT_ID_CONFIG, ThreadCpu.BENCH_READER, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(o.resultsTopic));
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(o.framesTopic, FrameCodec.encode(CameraSimulator.synthetic(
                        "warm-up", i, System.currentTimeMillis(), width, height, i)))).get();
            }
            awaitResults(consumer, 2, job);
        }

        /** Encodes round {@code round}'s frames (the camera's work, not the job's) before anything is timed. */
        void prepare(List<FrameRecord> input, int round) {
            encodedFrames.clear(); // earlier rounds' frames are sent
            input.forEach(f -> encoded(f, round));
        }

        /** Sends every frame at once (as round {@code round}'s camera) and times the results' stream. */
        double framesPerSecond(List<FrameRecord> input, int round) throws Exception {
            for (FrameRecord f : input) {
                // the camera's work (drawing and encoding a frame) is not the job's: done before the clock runs
                producer.send(new ProducerRecord<>(o.framesTopic, encoded(f, round)));
            }
            producer.flush();
            long[] span = awaitResults(consumer, input.size(), job);
            return (input.size() - 1) / ((span[1] - span[0]) / 1e9);
        }

        @Override
        public void close() throws Exception {
            try {
                job.cancel().get();
            } finally {
                producer.close();
                consumer.close();
                broker.close();
            }
        }
    }

    private final Map<String, byte[]> encodedFrames = new java.util.HashMap<>();

    /** Frame {@code f} as round {@code round}'s camera, encoded once per round before its timing starts. */
    private byte[] encoded(FrameRecord f, int round) {
        return encodedFrames.computeIfAbsent(round + "/" + f.sequence, k -> FrameCodec.encode(CameraSimulator.synthetic(
                "round-" + round, f.sequence, System.currentTimeMillis(), f.width, f.height, 100 + f.sequence)));
    }

    /** Waits for {@code n} results; returns the nano times of the first and the last. */
    private static long[] awaitResults(KafkaConsumer<String, String> consumer, int n, JobClient job)
            throws Exception {
        long first = 0;
        long last = 0;
        int seen = 0;
        long until = System.currentTimeMillis() + 600_000;
        while (seen < n && System.currentTimeMillis() < until) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended: " + job.getJobStatus().get()
                        + " (see the log on standard error)");
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                Json.read(r.value(), ResultRecord.class);
                last = System.nanoTime();
                if (seen++ == 0) {
                    first = last;
                }
            }
        }
        if (seen < n) {
            throw new IllegalStateException("only " + seen + " of " + n + " results arrived");
        }
        return new long[] {first, last};
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

