package dev.halp.job.stream;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.DeadLetter;
import dev.halp.kafka.record.IncomingFrame;
import dev.halp.kafka.record.Observation;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.flink.BlockStage;
import dev.halp.operators.flink.FrameMerge;
import dev.halp.operators.flink.FrameSplit;
import dev.halp.operators.flink.Health;
import dev.halp.operators.flink.JobPlans;
import dev.halp.operators.flink.PlanSpec;
import dev.halp.operators.flink.ModelConfig;
import dev.halp.operators.flink.Participants;
import dev.halp.operators.flink.RelayStage;
import dev.halp.operators.flink.RowsMessage;
import dev.halp.operators.stats.CameraStatsStage;
import dev.halp.partitioner.model.Models;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.time.Duration;
import java.util.List;

/**
 * The job graph (DESIGN §6): host split → one keyed stage per fused block → host merge + head.
 *
 * <p>MoDNN (exchange via the host) gets a relay stage before every block but the first.
 *
 * <p>Every block stage runs with parallelism {@code secondaries + 1}; subtask {@code k} is participant
 * {@code k} (0 the host) and messages are keyed with crafted keys that Flink routes to subtask {@code k}.
 * All operators share one co-location group, so subtask {@code k} of every stage (and the host's split and
 * merge, subtask 0) run in the same slot: one TaskManager per edge server, the same one for every block of
 * every frame. With {@code --host-parallelism P > 1} the merge + head (keyed by frame, so the frames spread
 * over its instances) and the result sink run with parallelism P in slot sharing group "host", outside the
 * edge servers' co-location group: the head is the host's serial per-frame cost, and this scales it. Sources
 * and sinks are passed in so tests can inject their own.
 */

public final class HalpJob {

    /** How long a buffered frame part may wait past capture before its state is dropped. */
    static final long CLEANUP_AFTER_FACTOR = 4;

    private HalpJob() {
    }

    /**
     * {@code feedback}: the job's own results read back, from which the split learns which secondaries are
     * silent and plans without them, and the secondaries' observations of their speed (with the sink that
     * publishes them), from which it re-plans with {@code --adaptive}.
     */
    public static void build(DataStream<IncomingFrame> frames, Feedback feedback,
                             Sink<ResultRecord> results, Sink<DeadLetter> deadLetters, JobOptions o) {
        build(frames, feedback, results, deadLetters, null, o);
    }

    /** {@code cameraStats}: where the per-camera windows go ({@code --stats-window-s}); null for none. */
    public static void build(DataStream<IncomingFrame> frames, Feedback feedback, Sink<ResultRecord> results,
                             Sink<DeadLetter> deadLetters, Sink<CameraStats> cameraStats, JobOptions o) {
        int participants = o.secondaries + 1;
        PlanSpec configured = o.configuredPlan();
        int blocks = JobPlans.blocksOf(o.scheme, Models.byName(o.model)).size();
        boolean relay = o.scheme.equals("modnn");
        if (configured != null) {
            blocks = Math.max(blocks, configured.pieceOwners.length);
            relay |= "VIA_HOST".equals(configured.exchange);
        }
        long cleanupAfter = CLEANUP_AFTER_FACTOR * o.deadlineMs + 10_000;
        ModelConfig model = o.modelConfig();
        int[] keys = Participants.routingKeys(participants);
        Placement place = new Placement(o.slotLabels);
        // auto runs Local's plan as well as HALP's
        List<String> schemes = o.scheme.equals("auto") ? List.of("halp", "local") : List.of(o.scheme);
        PlanSpec[] warmups = java.util.stream.Stream.concat(
                o.warmupSizes().stream().flatMap(hw -> schemes.stream()
                        .map(s -> JobPlans.defaultSpec(s, o.model, hw[0], hw[1], o.secondaries))),
                java.util.stream.Stream.ofNullable(configured)).toArray(PlanSpec[]::new);

        // one constant key: the split batches frames in keyed state, with a processing-time linger timer
        // without feedback the split's broadcast input is a stream that never emits (watermarks follow the frames)
        SingleOutputStreamOperator<Health> health = feedback.results() != null
                ? feedback.results().flatMap(new Health.FromResults()).name("host: edge server health").uid("health")
                : frames.flatMap((IncomingFrame f, org.apache.flink.util.Collector<Health> out) -> { },
                        org.apache.flink.api.common.typeinfo.TypeInformation.of(Health.class)).name("no feedback").uid("no-health");
        place.edge(health.setParallelism(1));
        DataStream<Health> signals = health;
        if (feedback.observations() != null) {
            SingleOutputStreamOperator<Health> speed = feedback.observations().map(new Health.FromObservations())
                    .name("host: edge server speed").uid("speed").setParallelism(1);
            place.edge(speed);
            signals = health.union(speed);
        }
        SingleOutputStreamOperator<RowsMessage> split = frames
                .keyBy(f -> 0, org.apache.flink.api.common.typeinfo.Types.INT)
                .connect(signals.broadcast(Health.states()))
                .process(new FrameSplit(o.scheme, o.model, o.secondaries, o.deadlineMs, o.ingestClock(), configured,
                        o.batchSize, o.batchLingerMs).withInputForRescue(o.rescueMargin() > 0)
                        .withProbeEvery(o.probeEvery).withAdaptiveShares(o.adaptive)
                        .withPredictedLateShedding(o.shedsPredictedLate(), o.shedMarginMs)
                        .withResize(o.resizing()))
                .name("host: plan + split").uid("split").setParallelism(1);
        place.edge(split);
        place.edge(split.getSideOutput(FrameSplit.DEAD_LETTERS).sinkTo(deadLetters)
                .name("dead letters").uid("dead-letter-sink").setParallelism(1));

        DataStream<RowsMessage> current = split;
        DataStream<Observation> observations = null;
        boolean reportSpeed = feedback.observationSink() != null;
        for (int b = 0; b < blocks; b++) {
            if (relay && b > 0) {
                current = stage(current, keys, participants, new RelayStage(b, cleanupAfter), "relay " + b, place);
            }
            BlockStage block = new BlockStage(b, model, cleanupAfter, warmups)
                    .withFaults(o.stageFaults()).withSpeedReports(reportSpeed).withInteriorFirst(o.interiorFirst);
            SingleOutputStreamOperator<RowsMessage> stage = stage(current, keys, participants, block, "block " + b, place);
            if (reportSpeed) {
                DataStream<Observation> observed = stage.getSideOutput(BlockStage.OBSERVATIONS);
                observations = observations == null ? observed : observations.union(observed);
            }
            current = stage;
        }
        if (observations != null) {
            place.edge(observations.sinkTo(feedback.observationSink()).name("host: observations")
                    .uid("observation-sink").setParallelism(1));
        }
        int hosts = o.hostParallelism;
        SingleOutputStreamOperator<ResultRecord> merged = current
                .union(split.getSideOutput(FrameSplit.ANNOUNCEMENTS))
                .keyBy(RowsMessage::frameKey)
                .process(new FrameMerge(model, cleanupAfter, warmups).withRescueMargin(o.rescueMargin())
                        .withLabels(o.labelList()))
                .name("host: merge + head").uid("merge").setParallelism(hosts);
        var sink = merged.sinkTo(results).name("results").uid("result-sink").setParallelism(hosts);
        if (hosts == 1) {
            place.edge(merged);
            place.edge(sink);
        } else {
            place.host(merged);
            place.host(sink);
        }
        if (cameraStats != null && o.statsWindowS > 0) {
            SingleOutputStreamOperator<CameraStats> stats = CameraStatsStage.windows(merged,
                    CameraStatsStage.captureTime(o.resultsOutOfOrderMs(), STATS_IDLE_MS),
                    Duration.ofSeconds(o.statsWindowS), Duration.ofSeconds(o.statsAllowedLatenessS));
            var tooLate = stats.getSideOutput(CameraStatsStage.TOO_LATE).process(new CameraStatsStage.CountTooLate())
                    .name("camera stats: too late").uid("camera-stats-too-late");
            var statsSink = stats.sinkTo(cameraStats).name("camera stats sink").uid("camera-stats-sink");
            stats.setParallelism(hosts);
            tooLate.setParallelism(hosts);
            statsSink.setParallelism(hosts);
            if (hosts == 1) {
                place.edge(stats);
                place.edge(tooLate);
                place.edge(statsSink);
            } else {
                place.host(stats);
                place.host(tooLate);
                place.host(statsSink);
            }
        }
    }

    /** How long the results stream may be silent before the statistics' watermark follows the wall clock. */
    static final long STATS_IDLE_MS = 2_000;

    /** One keyed stage: subtask {@code k} is participant {@code k}. */
    private static SingleOutputStreamOperator<RowsMessage> stage(DataStream<RowsMessage> in, int[] keys, int participants,
                                                 KeyedProcessFunction<Integer, RowsMessage, RowsMessage> fn,
                                                 String name, Placement place) {
        SingleOutputStreamOperator<RowsMessage> stage = in
                .keyBy(m -> keys[m.to])
                .process(fn)
                .name(name).uid(name.replace(' ', '-'))
                .setParallelism(participants).setMaxParallelism(Participants.MAX_PARALLELISM);
        place.edge(stage);
        return stage;
    }
}
