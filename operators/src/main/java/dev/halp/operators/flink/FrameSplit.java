package dev.halp.operators.flink;

import dev.halp.partitioner.plan.RowRanges;
import dev.halp.kafka.record.DeadLetter;
import dev.halp.kafka.record.FramePixels;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.IncomingFrame;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host's first step: turns a frame into planar floats, plans it, and sends every participant (itself
 * included) exactly the frame rows its block-0 pieces need. Dead letters from the source, and frames the
 * model cannot take, go to the dead-letter side output.
 *
 * <p>With a batch size {@code B > 1}, up to {@code B} frames of one size travel as one {@code [B,3,H,W]}
 * tensor through every stage (one plan, one exchange per block for all of them) and the merge emits one
 * record per frame. A batch leaves when it is full, when a frame of another size arrives, or {@code lingerMs}
 * after its first frame (a processing-time timer: the input is keyed by one constant key for it). Waiting
 * frames are keyed state, so a checkpoint holds them and none is lost in a restore.
 *
 * <p>The second (broadcast) input is {@link Health} from the job's own results: while a secondary is silent
 * (the merge had to rescue its rows), frames are planned without it (its share weighs next to nothing), except
 * every {@code probeEvery}-th frame, which uses every secondary so the split notices when it answers again;
 * with the edge servers' speed reports it also predicts each frame's finish, chooses the plan per frame under
 * the {@code auto} scheme, and sheds frames predicted to miss ({@link PlanChooser}, {@link CompletionForecast}).
 * The prediction travels with the frame into its result, next to the actual finish.
 */
public class FrameSplit extends KeyedBroadcastProcessFunction<Integer, IncomingFrame, Health, RowsMessage> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") { };
    /** One announcement per frame, straight to the merge, so a frame whose rows never arrive still ends as a miss. */
    public static final OutputTag<RowsMessage> ANNOUNCEMENTS = new OutputTag<>("announcements") { };

    private final String scheme;
    private final String model;
    private final int secondaries;
    private final long deadlineMs;
    private final boolean ingestClock;
    private final PlanSpec configured;
    private final int batchSize;
    private final long lingerMs;
    private boolean attachInput;
    private int probeEvery = 10;
    private boolean adaptive;
    /** The model's input size, reached at the split before anything else (null: frames keep their size). */
    private dev.halp.kafka.record.Resize resize;
    /** Shed a frame at once when its predicted finish is past its deadline by more than this; -1: off. */
    private long predictedLateMarginMs = -1;

    private transient ListState<Waiting> batch;
    /**
     * Frames admitted and not finished yet (the results say when): frame key to its deadline, the
     * participants it loads ({@link PlanChooser#heavy}) and its predicted finish (0: none).
     */
    private transient MapState<String, long[]> inFlight;
    static final MapStateDescriptor<String, long[]> IN_FLIGHT =
            new MapStateDescriptor<>("in-flight", Types.STRING, TypeInformation.of(long[].class));
    private transient JobPlans plans;
    private transient PlanChooser chooser;
    private transient Counter framesIn;
    private transient Counter deadLetters;
    private transient Counter shed;

    /** {@code configured}: a planner's plan for frames of its size (others get the scheme's default), or null. */
    public FrameSplit(String scheme, String model, int secondaries, long deadlineMs, boolean ingestClock,
                      PlanSpec configured, int batchSize, long lingerMs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
        this.scheme = scheme;
        this.model = model;
        this.secondaries = secondaries;
        this.deadlineMs = deadlineMs;
        this.ingestClock = ingestClock;
        this.configured = configured;
    }

    /** Every how many frames a silent secondary is given work again, to notice its return. */
    public FrameSplit withProbeEvery(int frames) {
        this.probeEvery = Math.max(1, frames);
        return this;
    }

    /**
     * Online re-planning: secondaries' shares follow their measured speed (rows per millisecond of compute,
     * a moving average over the results), so a slowed secondary or link gets fewer rows.
     */
    public FrameSplit withAdaptiveShares(boolean adaptive) {
        this.adaptive = adaptive;
        return this;
    }

    @Override
    public void processBroadcastElement(Health h, Context ctx, Collector<RowsMessage> out) throws Exception {
        if (h.doneFrame != null) {
            learnFromResult(h, ctx);
            return;
        }
        var speed = ctx.getBroadcastState(Health.MS_PER_ROW);
        Double old = speed.get(h.participant);
        if (h.msPerRow > 0) {
            // a measurement more than twice off the average is a server or link that changed state: take it
            boolean changed = old != null && (h.msPerRow > 2 * old || h.msPerRow < old / 2);
            speed.put(h.participant, changed ? h.msPerRow : average(old, h.msPerRow));
            ctx.getBroadcastState(Health.SPEED_AT).put(h.participant, ctx.currentProcessingTime());
        } else if (h.msPerRowAtLeast > 0 && (old == null || old < h.msPerRowAtLeast)) {
            speed.put(h.participant, h.msPerRowAtLeast); // censored: the truth is at least this
            ctx.getBroadcastState(Health.SPEED_AT).put(h.participant, ctx.currentProcessingTime());
        }
        var silent = ctx.getBroadcastState(Health.SILENT);
        if (h.silent) {
            silent.put(h.participant, h.atMillis);
        } else if (h.msPerRowAtLeast == 0 && silent.contains(h.participant) && silent.get(h.participant) <= h.atMillis) {
            // it computed rows of a later frame: answering again (a bare lower bound proves nothing)
            silent.remove(h.participant);
        }
    }

    /**
     * A frame's result, read back: it is no longer in flight; a computed one tells how far off its prediction
     * was (the admission margin), and a met one teaches its scheme's residual and the pipeline's pace.
     */
    private void learnFromResult(Health h, Context ctx) throws Exception {
        ctx.applyToKeyedState(IN_FLIGHT, (key, state) -> state.remove(h.doneFrame));
        var pace = ctx.getBroadcastState(Health.PACE);
        if (!Double.isNaN(h.errorMs)) {
            pace.put("error", average(pace.get("error"), Math.abs(h.errorMs)));
        }
        if (h.scheme == null) {
            return;
        }
        var residual = ctx.getBroadcastState(Health.RESIDUAL);
        Double old = residual.get(h.scheme);
        // well under the average: the first warm frames after cold ones (a scheme not chosen learns nothing)
        residual.put(h.scheme, old != null && h.residualMs < old / 2 ? h.residualMs : average(old, h.residualMs));
        pace.put("work", average(pace.get("work"), h.workMs));
        Double last = pace.get("last");
        if (h.queued && last != null && h.atMillis > last) {
            pace.put("interval", average(pace.get("interval"), h.atMillis - last));
        }
        pace.put("last", (double) Math.max(h.atMillis, last == null ? 0 : last.longValue()));
    }

    /** The moving average every learnt quantity uses: 0.3 of each new sample; the first sample as it is. */
    static double average(Double old, double sample) {
        return old == null ? sample : 0.7 * old + 0.3 * sample;
    }

    /**
     * Admission control: a frame whose predicted finish ({@link CompletionForecast}, under the plan chosen for
     * it) is later than its deadline plus {@code marginMs} ends at once as a miss with reason
     * {@code shed: predicted late}, and no edge server spends anything on it. Off by default; it needs the
     * edge servers' speed reports.
     */
    public FrameSplit withPredictedLateShedding(boolean on, long marginMs) {
        this.predictedLateMarginMs = on ? Math.max(0, marginMs) : -1;
        return this;
    }

    /** Attach every frame's input to its announcement, so the merge can rescue rows that do not arrive. */
    /**
     * Brings every frame to the model's input size first ({@code null}: frames keep theirs): the plan, the cut
     * and the rescue copy are all of the resized frame, so every segment sees what whole-frame inference of it
     * would.
     */
    public FrameSplit withResize(dev.halp.kafka.record.Resize resize) {
        this.resize = resize;
        return this;
    }

    public FrameSplit withInputForRescue(boolean attach) {
        this.attachInput = attach;
        return this;
    }

    @Override
    public void open(OpenContext ctx) {
        plans = new JobPlans();
        chooser = new PlanChooser(scheme, model, secondaries, configured, probeEvery, Math.max(0, predictedLateMarginMs),
                plans);
        batch = getRuntimeContext().getListState(new ListStateDescriptor<>("batch", TypeInformation.of(Waiting.class)));
        inFlight = getRuntimeContext().getMapState(IN_FLIGHT);
        framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        shed = getRuntimeContext().getMetricGroup().counter("shedFrames");
    }

    @Override
    public void processElement(IncomingFrame in, ReadOnlyContext ctx, Collector<RowsMessage> out) throws Exception {
        if (!in.isFrame()) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, in.deadLetter);
            return;
        }
        FrameRecord f;
        try {
            f = resize == null ? in.frame : resize.apply(in.frame);
        } catch (dev.halp.kafka.record.FrameFormatException e) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, new DeadLetter(e.getMessage(), "", -1, -1, in.frame.captureMillis,
                    dev.halp.kafka.record.FrameCodec.encode(in.frame)));
            return;
        }
        int min = Models.byName(model).minimumInputSize();
        if (f.width < min || f.height < min) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, new DeadLetter("frame " + f.width + "x" + f.height + " is smaller than "
                    + model + "'s minimum " + min + "x" + min, "", -1, -1, f.captureMillis, new byte[0]));
            return;
        }
        framesIn.inc();
        long now = ctx.timerService().currentProcessingTime();
        Waiting w = new Waiting(f, (ingestClock ? now : f.captureMillis) + deadlineMs, now);
        List<Waiting> waiting = new ArrayList<>();
        batch.get().forEach(waiting::add);
        if (!waiting.isEmpty() && (waiting.get(0).frame.width != f.width || waiting.get(0).frame.height != f.height)) {
            send(waiting, ctx, out); // one tensor holds frames of one size
            waiting.clear();
        }
        waiting.add(w);
        if (waiting.size() >= batchSize) {
            send(waiting, ctx, out);
            batch.clear();
        } else {
            if (waiting.size() == 1) {
                ctx.timerService().registerProcessingTimeTimer(now + lingerMs);
            }
            batch.update(waiting);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RowsMessage> out) throws Exception {
        List<Waiting> waiting = new ArrayList<>();
        batch.get().forEach(waiting::add);
        if (!waiting.isEmpty() && timestamp >= waiting.get(0).arrivedMillis + lingerMs) {
            send(waiting, ctx, out);
            batch.clear();
        }
    }

    /** A frame waiting for its batch, with its deadline. A POJO (keyed state). */
    public static class Waiting {
        public FrameRecord frame;
        public long deadlineMillis;
        public long arrivedMillis;

        public Waiting() {
        }

        Waiting(FrameRecord frame, long deadlineMillis, long arrivedMillis) {
            this.frame = frame;
            this.deadlineMillis = deadlineMillis;
            this.arrivedMillis = arrivedMillis;
        }
    }

    /** Plans the batch, announces it to the merge and sends every participant its block-0 rows. */
    private void send(List<Waiting> frames, ReadOnlyContext ctx, Collector<RowsMessage> out) throws Exception {
        FrameRecord f = frames.get(0).frame;
        int n = frames.size();
        long now = ctx.timerService().currentProcessingTime();
        long deadline = frames.stream().mapToLong(x -> x.deadlineMillis).min().orElseThrow();
        List<long[]> loaded = stillInFlight(now);
        double pace = paceMs(ctx);
        PlanChooser.Live live = live(ctx);
        PlanChooser.Choice choice = chooser.choose(f.height, f.width, f.sequence, n, now,
                rows -> waitMs(loaded, PlanChooser.heavy(rows), pace, now), deadline, live);
        PlanSpec spec = choice.spec();
        SegmentPlan plan = plans.plan(spec);
        byte[] pixels = new byte[n * 3 * f.height * f.width];
        for (int i = 0; i < n; i++) {
            byte[] planes = FramePixels.toRgbPlaneBytes(frames.get(i).frame);
            System.arraycopy(planes, 0, pixels, i * planes.length, planes.length);
        }

        RowsMessage header = new RowsMessage();
        header.cameraId = f.cameraId;
        header.sequence = f.sequence;
        header.captureMillis = f.captureMillis;
        header.deadlineMillis = frames.stream().mapToLong(x -> x.deadlineMillis).min().orElseThrow();
        if (n > 1) {
            header.batchCameraIds = frames.stream().map(x -> x.frame.cameraId).toArray(String[]::new);
            header.batchSequences = frames.stream().mapToLong(x -> x.frame.sequence).toArray();
            header.batchCaptureMillis = frames.stream().mapToLong(x -> x.frame.captureMillis).toArray();
            header.batchDeadlineMillis = frames.stream().mapToLong(x -> x.deadlineMillis).toArray();
        }
        header.plan = spec;
        Timings timings = Timings.of(secondaries + 1);
        header.block = RowsMessage.ANNOUNCE;
        header.timings = timings;
        header.sentAt(now, header.deadlineMillis);
        header.splitMillis = now;
        choice.prediction().ifPresent(p -> {
            header.predictedFinishMillis = p;
            header.predictedWaitMs = choice.waitMs();
        });
        header.predictedSpans = chooser.timeline(spec, n, choice.waitMs(), live);
        Double recentError = ctx.getBroadcastState(Health.PACE).get("error");
        long typicalError = recentError == null ? 0 : Math.round(recentError);
        if (predictedLateMarginMs >= 0 && header.predictedFinishMillis > 0
                && header.predictedFinishMillis + typicalError > header.deadlineMillis + predictedLateMarginMs) {
            header.shedReason = String.format("shed: predicted late (%s predicted to finish %d ms after the deadline,"
                    + " give or take the recent error of %d ms; candidates: %s)", chooser.describe(spec),
                    header.predictedFinishMillis - header.deadlineMillis, typicalError, choice.candidates());
        }
        if (attachInput) {
            // the pixels as they came, not the float32 tensor: the announcement sits in the merge's state (and
            // in every checkpoint) until the frame ends
            header.shape = new long[] {n, 3, f.height, f.width};
            header.inputPixels = pixels;
        }
        ctx.output(ANNOUNCEMENTS, header);
        if (now > header.deadlineMillis || header.shedReason != null) {
            shed.inc(n); // too late already: computing it would only delay the frames behind it
            return;
        }
        inFlight.put(header.frameKey(), new long[] {header.deadlineMillis, PlanChooser.heavy(chooser.rows(spec)),
                header.predictedFinishMillis});
        List<RowsMessage> messages = new ArrayList<>();
        for (Map.Entry<Integer, List<RowRange>> e : needsOfBlockZero(plan).entrySet()) {
            for (RowRange r : RowRanges.union(e.getValue())) {
                // frame rows travel as the camera's bytes: a quarter of their floats on the wire and in memory
                byte[] rows = pixelRows(pixels, 3 * n, f.height, f.width, r);
                messages.add(RowsMessage.ofPixels(header, 0, e.getKey(), r, new long[] {n, 3, r.size(), f.width}, rows,
                        timings).sentAt(now, header.deadlineMillis));
                if (e.getKey() != 0) {
                    timings.bytesOut[0] += rows.length;
                }
            }
        }
        messages.forEach(out::collect);
    }

    /**
     * How long each frame admitted and not finished holds a new one back that loads a participant it loads: the
     * interval at which the pipeline has been delivering frames under load (until measured: the recent frames'
     * longest participant work); 0 before anything is known.
     */
    private static double paceMs(ReadOnlyContext ctx) throws Exception {
        var pace = ctx.getBroadcastState(Health.PACE);
        Double ms = pace.contains("interval") ? pace.get("interval") : pace.get("work");
        return ms == null ? 0 : ms;
    }

    /**
     * The participants each frame in flight loads. A frame still in flight long after its deadline is
     * forgotten (its result was lost to the split).
     */
    private List<long[]> stillInFlight(long now) throws Exception {
        List<String> gone = new ArrayList<>();
        List<long[]> loaded = new ArrayList<>();
        for (Map.Entry<String, long[]> e : inFlight.entries()) {
            if (e.getValue()[0] + deadlineMs < now) {
                gone.add(e.getKey());
            } else {
                loaded.add(e.getValue());
            }
        }
        for (String key : gone) {
            inFlight.remove(key);
        }
        return loaded;
    }

    /**
     * The wait of a new frame that loads {@code heavy}: each frame in flight holds it back by {@code paceMs}
     * (they all pass the host's split, merge and head, and on shared machines its cores), and one overdue (past
     * its predicted finish) that loads one of the same participants shows that they are slower now than
     * measured: the new frame waits at least as long as it is overdue.
     */
    static long waitMs(List<long[]> inFlight, long heavy, double paceMs, long now) {
        long overdue = 0;
        for (long[] f : inFlight) {
            if ((f[1] & heavy) != 0 && f[2] > 0) {
                overdue = Math.max(overdue, now - f[2]);
            }
        }
        return Math.round(paceMs * inFlight.size()) + overdue;
    }

    /** What the broadcast state says now: silent secondaries, speeds, residuals, adaptive shares. */
    private PlanChooser.Live live(ReadOnlyContext ctx) throws Exception {
        java.util.Set<Integer> silent = new java.util.TreeSet<>();
        var silentState = ctx.getBroadcastState(Health.SILENT);
        var reportedAt = ctx.getBroadcastState(Health.SPEED_AT);
        long now = ctx.timerService().currentProcessingTime();
        for (int i = 0; i < secondaries; i++) {
            String name = Participants.name(i + 1);
            Long reported = reportedAt.get(name);
            // a secondary that reported on its own since it was marked silent is alive (it was slow, not gone)
            if (silentState.contains(name) && (reported == null || reported < silentState.get(name))) {
                silent.add(i);
            }
        }
        Map<String, Double> speeds = new java.util.HashMap<>();
        for (var e : ctx.getBroadcastState(Health.MS_PER_ROW).immutableEntries()) {
            Long when = reportedAt.get(e.getKey());
            // a secondary left out for long is assumed well again: it gets frames, and reports, once more
            if (e.getKey().equals(Participants.name(0)) || when == null || now - when <= PlanChooser.STALE_AFTER_MS) {
                speeds.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Double> residual = new java.util.HashMap<>();
        ctx.getBroadcastState(Health.RESIDUAL).immutableEntries().forEach(e -> residual.put(e.getKey(), e.getValue()));
        return new PlanChooser.Live(silent, speeds, residual, adaptive ? shares(ctx) : null);
    }

    /**
     * Each secondary's share: its measured rows per millisecond relative to the secondaries' mean (the scale of
     * the default weights, which MoDNN's host weight keeps), rounded to 2 significant digits so that plans are
     * reused; null until every secondary has been measured.
     */
    private double[] shares(ReadOnlyContext ctx) throws Exception {
        var speed = ctx.getBroadcastState(Health.MS_PER_ROW);
        double[] rate = new double[secondaries];
        for (int i = 0; i < secondaries; i++) {
            Double ms = speed.get(Participants.name(i + 1));
            if (ms == null || ms <= 0) {
                return null;
            }
            rate[i] = 1.0 / ms;
        }
        double mean = java.util.Arrays.stream(rate).average().orElse(1);
        double[] shares = new double[secondaries];
        for (int i = 0; i < secondaries; i++) {
            double v = rate[i] / mean;
            double scale = Math.pow(10, Math.floor(Math.log10(v)) - 1);
            shares[i] = Math.round(v / scale) * scale;
        }
        return shares;
    }

    private static Map<Integer, List<RowRange>> needsOfBlockZero(SegmentPlan plan) {
        Map<Integer, List<RowRange>> needs = new TreeMap<>();
        BlockPlan first = plan.blocks().get(0);
        for (Piece piece : first.pieces()) {
            if (!piece.rows().isEmpty()) {
                needs.computeIfAbsent(Participants.index(piece.owner()), k -> new ArrayList<>())
                        .add(plan.inputRows(0, piece));
            }
        }
        return needs;
    }

    /** Rows {@code r} of each of {@code planes} planes of {@code height x width} bytes. */
    static byte[] pixelRows(byte[] pixels, int planes, int height, int width, RowRange r) {
        byte[] out = new byte[planes * r.size() * width];
        for (int p = 0; p < planes; p++) {
            System.arraycopy(pixels, (p * height + r.start()) * width, out, p * r.size() * width, r.size() * width);
        }
        return out;
    }
}
