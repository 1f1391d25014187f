package dev.halp.operators.flink;

import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.plan.RowRanges;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.exec.RowStore;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * The host's last step, keyed by frame: gathers the final rows of every participant, stitches them in row
 * order and runs the head. The split announces every frame here directly, so the deadline runs from the
 * moment the frame enters the job even if none of its rows ever arrives. A processing-time timer at the frame's deadline emits a miss record with what is
 * known if parts are still missing (a watermark cannot pass a frame whose parts are in flight, so an
 * event-time timer could only fire after the slowest part); parts arriving after that are counted and
 * dropped. An event-time timer later clears the frame's state.
 *
 * <p>Rescue: when the split attaches the frame's input to its announcement, a second processing-time timer
 * fires {@code rescueMarginMs} before the deadline. If final rows are still missing then (a secondary, or a
 * neighbour waiting on its halo, stopped answering), the host computes exactly those rows itself from the
 * input (their receptive-field program through the whole feature stack) and finishes the frame; the result
 * names the participants it stood in for. Parts arriving later count as late. Only participants silent for
 * at least the margin (no final part of any frame) are stood in for: a participant that is merely behind
 * (overload) keeps its frames, so rescues never add host work to an overloaded pipeline.
 */
public class FrameMerge extends KeyedProcessFunction<String, RowsMessage, ResultRecord>
        implements CheckpointedFunction {

    private final ModelConfig modelConfig;
    private final long cleanupAfterMs;
    private final PlanSpec[] warmups;
    private long rescueMarginMs;
    private java.util.ArrayList<String> labels = new java.util.ArrayList<>();

    private transient CnnModel model;
    private transient JobPlans plans;
    private transient MapState<Integer, RowsMessage> parts;
    private transient ValueState<Boolean> closed;
    private transient ValueState<RowsMessage> announced;
    /** When this frame's state goes, in processing time (watermarks stop when a camera stops). */
    private transient ValueState<Long> cleanupAt;
    private transient Counter results;
    private transient Counter misses;
    private transient Counter lateParts;
    private transient Counter rescues;
    private transient Counter skippedRescues;
    /**
     * What a rescue has cost this instance per missing final row (head included), learnt from its rescues; a
     * rescue predicted to end after the frame's deadline is not started. 0 until the first rescue.
     */
    private transient double rescueMsPerRow;
    /**
     * When a final part last arrived from each participant (this subtask's view, processing time). Not state:
     * after a restore the times before the failure say nothing about who is alive now, so a restored merge
     * counts every participant as heard when it resumed ({@link #resumedAt}) and rescues only frames of
     * participants that stay silent for a rescue margin after that — not every frame that was merely waiting.
     */
    private transient java.util.Map<String, Long> lastHeard;
    private transient boolean restored;
    private transient long resumedAt = -1;
    private transient Histogram latency;
    private transient Histogram predictionError;

    public FrameMerge(ModelConfig modelConfig, long cleanupAfterMs, PlanSpec... warmups) {
        this.modelConfig = modelConfig;
        this.cleanupAfterMs = cleanupAfterMs;
        this.warmups = warmups.clone();
    }

    /** Class names in index order, one per class of the model: results name their top-5 classes. */
    public FrameMerge withLabels(java.util.List<String> labels) {
        this.labels = new java.util.ArrayList<>(labels);
        return this;
    }

    /** Rescue frames this long before their deadline (0: never); needs the split to attach the input. */
    public FrameMerge withRescueMargin(long marginMs) {
        this.rescueMarginMs = Math.max(0, marginMs);
        return this;
    }

    @Override
    public void open(OpenContext ctx) {
        model = modelConfig.acquire(DeviceSelection.select(getRuntimeContext()));
        plans = new JobPlans();
        parts = getRuntimeContext().getMapState(new MapStateDescriptor<>("parts", Types.INT,
                TypeInformation.of(RowsMessage.class)));
        closed = getRuntimeContext().getState(new ValueStateDescriptor<>("closed", Types.BOOLEAN));
        announced = getRuntimeContext().getState(new ValueStateDescriptor<>("announced",
                TypeInformation.of(RowsMessage.class)));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanupAt", Types.LONG));
        var g = getRuntimeContext().getMetricGroup();
        results = g.counter("results");
        misses = g.counter("misses");
        lateParts = g.counter("lateParts");
        rescues = g.counter("rescuedFrames");
        skippedRescues = g.counter("skippedRescues");
        lastHeard = new java.util.HashMap<>();
        latency = g.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(10_000));
        predictionError = g.histogram("predictionErrorMs", new DescriptiveStatisticsHistogram(10_000));
        g.gauge("deadlineHitRatio", () -> {
            long total = results.getCount() + misses.getCount();
            return total == 0 ? 1.0 : (double) results.getCount() / total;
        });
        for (PlanSpec spec : warmups) {
            model.head(Warmup.finalFeatures(plans.plan(spec)));
        }
    }

    @Override
    public void processElement(RowsMessage m, Context ctx, Collector<ResultRecord> out) throws Exception {
        if (Boolean.TRUE.equals(closed.value())) {
            if (!m.isAnnouncement()) {
                lateParts.inc();
            }
            return;
        }
        if (parts.isEmpty() && announced.value() == null) {
            ctx.timerService().registerProcessingTimeTimer(m.deadlineMillis);
            long cleanup = Math.max(m.deadlineMillis, ctx.timerService().currentProcessingTime()) + cleanupAfterMs;
            cleanupAt.update(cleanup);
            ctx.timerService().registerProcessingTimeTimer(cleanup);
        }
        if (m.isAnnouncement() && m.shedReason != null) {
            // admission control shed it at the split: a miss now, with the reason, and no edge server saw it
            for (ResultRecord r : Results.ofBatch(m, List.of(), plans.plan(m.plan),
                    ctx.timerService().currentProcessingTime())) {
                r.status = ResultRecord.MISSED;
                r.error = m.shedReason;
                count(r);
                out.collect(r);
            }
            close(ctx, m.deadlineMillis);
            return;
        }
        if (m.isAnnouncement()) {
            announced.update(m);
            if (rescueMarginMs > 0 && m.inputPixels != null) {
                ctx.timerService().registerProcessingTimeTimer(rescueTime(m));
            }
            return;
        }
        parts.put(m.rowStart, m);
        if (restored && resumedAt < 0) {
            resumedAt = ctx.timerService().currentProcessingTime();
        }
        lastHeard.put(Participants.name(m.from), ctx.timerService().currentProcessingTime());
        SegmentPlan plan = plans.plan(m.plan);
        int rows = plan.outputHeight(plan.blocks().size() - 1);
        List<RowsMessage> list = new ArrayList<>();
        parts.values().forEach(list::add);
        if (!BlockStage.covers(list.toArray(new RowsMessage[0]), List.of(RowRange.of(0, rows)))) {
            return;
        }
        RowStore store = new RowStore();
        list.forEach(p -> store.put(p.rows(), p.tensor()));
        finish(m, list, plan, store, System.nanoTime(), null, out);
        close(ctx, m.deadlineMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResultRecord> out) throws Exception {
        Long cleanup = cleanupAt.value();
        if (cleanup != null && timestamp >= cleanup) {
            parts.clear();
            closed.clear();
            announced.clear();
            cleanupAt.clear();
            return;
        }
        List<RowsMessage> list = new ArrayList<>();
        parts.values().forEach(list::add);
        RowsMessage header = list.isEmpty() ? announced.value() : list.get(0);
        if (Boolean.TRUE.equals(closed.value()) || header == null) {
            return;
        }
        RowsMessage input = announced.value();
        if (input != null && input.inputPixels != null && rescueMarginMs > 0 && timestamp == rescueTime(input)
                && timestamp < input.deadlineMillis) {
            rescue(input, list, ctx, out);
            return;
        }
        SegmentPlan plan = plans.plan(header.plan);
        for (ResultRecord r : Results.ofBatch(header, list, plan, System.currentTimeMillis())) {
            Results.setPredicted(r, input == null ? null : input.predictedSpans);
            r.status = ResultRecord.MISSED;
            r.error = "deadline passed with " + r.partsReceived + " of " + r.partsExpected + " final parts";
            count(r);
            out.collect(r);
        }
        close(ctx, -1);
    }

    /**
     * Runs the head on the stitched final rows and emits one record per frame of the batch; the host's time
     * from {@code t0} on (the head, and any rescued rows) is added to its compute. Returns the records sent.
     */
    private int finish(RowsMessage header, List<RowsMessage> list, SegmentPlan plan, RowStore store, long t0,
                       List<String> rescued, Collector<ResultRecord> out) throws java.io.IOException {
        int rows = plan.outputHeight(plan.blocks().size() - 1);
        float[][] scores = model.head(store.take(RowRange.of(0, rows)));
        double ms = (System.nanoTime() - t0) / 1e6;
        List<ResultRecord> records = Results.ofBatch(header, list, plan, System.currentTimeMillis());
        RowsMessage announcement = announced.value();
        for (int i = 0; i < records.size(); i++) {
            ResultRecord r = records.get(i);
            Results.setPredicted(r, announcement == null ? null : announcement.predictedSpans);
            r.es.get("host").computeMs += ms;
            r.headMs = ms;
            r.rescued = rescued;
            r.bitExact = model.exactSlices().enabled();
            Results.setOutput(r, scores[i], labels);
            r.status = r.completionMillis <= r.deadlineMillis ? ResultRecord.MET : ResultRecord.MISSED;
            count(r);
            out.collect(r);
        }
        return records.size();
    }

    private long rescueTime(RowsMessage announcement) {
        return announcement.deadlineMillis - rescueMarginMs;
    }

    /** Computes the missing final rows from the frame's input, then finishes the frame like a complete one. */
    private void rescue(RowsMessage input, List<RowsMessage> list, OnTimerContext ctx, Collector<ResultRecord> out)
            throws Exception {
        SegmentPlan plan = plans.plan(input.plan);
        int rows = plan.outputHeight(plan.blocks().size() - 1);
        List<RowRange> missing = RowRanges.subtract(List.of(RowRange.of(0, rows)),
                list.stream().map(RowsMessage::rows).toList());
        List<String> absent = new ArrayList<>();
        for (Piece piece : plan.blocks().get(plan.blocks().size() - 1).pieces()) {
            String name = Participants.name(Participants.index(piece.owner()));
            if (!piece.rows().isEmpty() && !absent.contains(name)
                    && missing.stream().anyMatch(r -> r.start() < piece.rows().end() && piece.rows().start() < r.end())) {
                absent.add(name);
            }
        }
        long now = ctx.timerService().currentProcessingTime();
        if (restored && resumedAt < 0) {
            resumedAt = now;
        }
        long heardBefore = restored ? resumedAt : 0L;
        if (absent.stream().anyMatch(p -> now - lastHeard.getOrDefault(p, heardBefore) < rescueMarginMs)) {
            return; // behind, not gone: the deadline timer decides
        }
        if (input.predictedFinishMillis > 0 && now < input.predictedFinishMillis) {
            return; // predicted to finish later than this (waiting its turn under load), not overdue: not abandoned
        }
        int missingRows = missing.stream().mapToInt(RowRange::size).sum();
        if (rescueMsPerRow > 0 && now + rescueMsPerRow * missingRows > input.deadlineMillis) {
            // the host could not finish it before the deadline: it would only take the CPU the frames behind need
            skippedRescues.inc();
            return;
        }
        long t0 = System.nanoTime();
        RowStore store = new RowStore();
        list.forEach(p -> store.put(p.rows(), p.tensor()));
        ModelSpec spec = model.spec();
        int[] heights = spec.heights(plan.height());
        TensorBytes frame = input.inputTensor(modelConfig.input());
        for (RowRange r : missing) {
            List<LayerStep> steps = ReceptiveField.program(spec, heights, 0, spec.features().size(), r);
            RowRange in = steps.get(0).inputRows();
            store.put(r, model.slice(frame.rows(in.start(), in.end()), steps));
        }
        int records = finish(input, list, plan, store, t0, absent, out);
        double perRow = (System.nanoTime() - t0) / 1e6 / Math.max(1, missingRows);
        rescueMsPerRow = rescueMsPerRow <= 0 ? perRow : 0.7 * rescueMsPerRow + 0.3 * perRow;
        rescues.inc(records);
        close(ctx, input.deadlineMillis);
    }

    /** What a rescue costs per missing final row, as this instance has learnt it (0: no rescue yet). */
    double rescueMsPerRow() {
        return rescueMsPerRow;
    }

    /** Tests: as if earlier rescues had cost {@code ms} per missing final row. */
    void assumeRescueMsPerRow(double ms) {
        rescueMsPerRow = ms;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        restored = context.isRestored();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // liveness is re-learnt after a restore (see lastHeard); everything else is keyed state
    }

    private void count(ResultRecord r) {
        (r.met() ? results : misses).inc();
        latency.update(Math.round(r.latencyMs));
        if (r.predictedFinishMillis > 0 && r.scoresSha256 != null) {
            // a computed frame (not one ended by its deadline or shed): how far off the split's prediction was
            predictionError.update(Math.abs(r.completionMillis - r.predictedFinishMillis));
        }
    }

    private void close(Context ctx, long deadlineTimer) throws Exception {
        parts.clear();
        announced.clear();
        closed.update(true);
        if (deadlineTimer >= 0) {
            ctx.timerService().deleteProcessingTimeTimer(deadlineTimer);
        }
    }

    @Override
    public void close() {
        if (model != null) {
            modelConfig.release(model);
            model = null;
        }
    }
}
