package dev.halp.operators.flink;

import dev.halp.operators.exec.EarlyPieces;
import dev.halp.operators.exec.StageView;
import dev.halp.partitioner.util.BoundedCache;
import dev.halp.partitioner.plan.RowRanges;
import dev.halp.operators.cnn.CnnModel;
import dev.halp.operators.exec.RowStore;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import dev.halp.kafka.record.Observation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fused block on one participant (subtask {@code k} is participant {@code k}: 0 the host, the rest
 * the secondaries). Buffers a frame's incoming rows until they cover what its pieces need, runs the pieces
 * on the shared DJL model, and sends its output rows on: to itself for its next pieces, to the others as
 * the plan's halo transfers, or to the host's merge after the last block.
 *
 * <p>A plan may have fewer blocks than the graph has stages (Local runs the whole stack as one block):
 * messages for a later block pass through unchanged.
 *
 * <p>Buffered rows live in keyed state (snapshotted); an event-time timer drops the rows of frames that
 * never completed once the frame is long past its deadline.
 */
public class BlockStage extends KeyedProcessFunction<Integer, RowsMessage, RowsMessage> {

    /**
     * A secondary's own measurement of a frame (after its last block), or a bound (a frame it dropped as too
     * late): the job publishes them to its feedback topic for the split's online re-planning.
     */
    public static final OutputTag<Observation> OBSERVATIONS = new OutputTag<>("observations") { };

    /** Frames whose pieces are partly computed, at most (a few are in flight at once). */
    static final int MAX_EARLY_FRAMES = 64;

    /**
     * A frame's pieces computed so far, the rows its parts brought (each part decoded once, as it arrives; own
     * rows: from this participant itself), and when the first piece started (-1: none yet).
     */
    private static final class Early {
        final EarlyPieces pieces;
        final RowStore held = new RowStore();
        final List<RowRange> own = new ArrayList<>();
        int partsHeld;
        long startMillis = -1;

        Early(EarlyPieces pieces) {
            this.pieces = pieces;
        }

        /** Takes in the parts not seen yet (a frame's parts only grow: {@link Pending#with}). */
        Early feed(RowsMessage[] parts, int me, dev.halp.kafka.record.Normalization input) {
            for (; partsHeld < parts.length; partsHeld++) {
                RowsMessage part = parts[partsHeld];
                held.put(part.rows(), part.tensor(input));
                if (part.from == me) {
                    own.add(part.rows());
                }
            }
            return this;
        }
    }

    private final int block;
    private final ModelConfig modelConfig;
    private StageFaults faults = StageFaults.NONE;
    private boolean reportSpeed;
    private boolean interiorFirst = true;
    private final long cleanupAfterMs;
    private final PlanSpec[] warmups;

    private transient CnnModel model;
    private transient JobPlans plans;
    /** What this participant does in this block under each plan; at most {@link JobPlans#MAX_PLANS}. */
    private transient BoundedCache<PlanSpec, StageView> views;
    private transient SpeedReports reports;
    private transient MapState<String, Pending> pending;
    /**
     * Pieces computed ahead of a frame's last rows, by frame. Not snapshotted: after a restore the pending
     * rows are computed again. Bounded: a frame that never completes falls out.
     */
    private transient Map<String, Early> early;
    private transient FrameExpiry expiry;
    private transient int me;
    private transient String taskManager;
    private transient Counter rows;
    private transient Counter bytesIn;
    private transient Counter expired;
    private transient Counter shed;
    /** What this participant's clock reads ahead of the timer service's (a fault; 0 in operation). */
    private transient long clockSkewMs;

    /** {@code warmups}: plans whose pieces each subtask runs once in {@code open()}, before any frame. */
    public BlockStage(int block, ModelConfig modelConfig, long cleanupAfterMs, PlanSpec... warmups) {
        this.block = block;
        this.modelConfig = modelConfig;
        this.cleanupAfterMs = cleanupAfterMs;
        this.warmups = warmups.clone();
    }

    /** Publish this stage's speed reports ({@link #OBSERVATIONS}); off unless the job re-plans online. */
    public BlockStage withSpeedReports(boolean report) {
        this.reportSpeed = report;
        return this;
    }

    /** Compute interiors while halos travel ({@link EarlyPieces}); on by default. */
    public BlockStage withInteriorFirst(boolean interiorFirst) {
        this.interiorFirst = interiorFirst;
        return this;
    }

    /** Faults to inject (tests, {@code bench faults}); none by default. */
    public BlockStage withFaults(StageFaults faults) {
        this.faults = faults;
        return this;
    }

    @Override
    public void open(OpenContext ctx) {
        me = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        taskManager = getRuntimeContext().getMetricGroup().getAllVariables().getOrDefault("<tm_id>", "?");
        model = modelConfig.acquire(DeviceSelection.select(getRuntimeContext()));
        plans = new JobPlans();
        views = new BoundedCache<>("stage views", JobPlans.MAX_PLANS);
        reports = reportSpeed ? new SpeedReports(plans, me) : null;
        early = new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Early> eldest) {
                return size() > MAX_EARLY_FRAMES;
            }
        };
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.STRING,
                TypeInformation.of(Pending.class)));
        expiry = new FrameExpiry(getRuntimeContext(), cleanupAfterMs);
        var metrics = getRuntimeContext().getMetricGroup().addGroup("es", Participants.name(me));
        rows = metrics.counter("rowsComputed");
        bytesIn = metrics.counter("bytesIn");
        expired = metrics.counter("expiredFrames");
        shed = metrics.counter("shedMessages");
        clockSkewMs = faults.clockSkewMs(me);
        for (PlanSpec spec : warmups) {
            StageView view = views.get(spec, sp -> StageView.of(plans.plan(sp), block, me));
            for (StageView.Work w : view.work) {
                model.slice(Warmup.zeros(plans.plan(spec), w.steps()), w.steps());
            }
        }
    }

    @Override
    public void processElement(RowsMessage m, Context ctx, Collector<RowsMessage> out) throws Exception {
        if (m.to != me) {
            throw new IllegalStateException("participant " + m.to + "'s rows reached subtask " + me);
        }
        if (faults.stalls(me)) {
            shed.inc();
            return;
        }
        if (m.block != block || block >= plans.plan(m.plan).blocks().size()) {
            // a plan with fewer blocks than the graph has stages: rows already past this block move on
            out.collect(m);
            return;
        }
        if (m.from != me) {
            sleep(faults.linkDelayMs(me, m)); // rows coming in over a degraded link of this participant
        }
        m.arrive(now(ctx));
        String key = m.frameKey();
        if (m.arrivedMillis > m.localDeadlineMillis) {
            // past its deadline: the merge reports the miss; computing it would only delay the frames behind
            shed.inc();
            pending.remove(key);
            early.remove(key);
            // too late to compute: its time so far, with this part's time on the link, bounds this one's speed
            if (reports != null) {
                reports.atLeast(m, m.timings.computeMs[me] + m.timings.linkMs[me]
                        + (m.from != me ? m.linkMillis() : 0)).ifPresent(o -> ctx.output(OBSERVATIONS, o));
            }
            return;
        }
        Pending p = (pending.contains(key) ? pending.get(key) : new Pending()).with(m, m.arrivedMillis);
        StageView view = views.get(m.plan, s -> StageView.of(plans.plan(s), block, me));
        if (!covers(p.parts, view.needs)) {
            if (p.parts.length == 1) {
                expiry.schedule(key, ctx.timerService());
            }
            pending.put(key, p);
            if (interiorFirst) {
                computeEarly(key, p, view, ctx);
            }
            return;
        }
        pending.remove(key);
        compute(p, view, ctx, out);
    }

    /** Computes what the rows held so far allow (interiors, whole pieces) while the rest is on the way. */
    private void computeEarly(String key, Pending p, StageView view, Context ctx) {
        Early e = fed(key, p, view);
        long start = now(ctx);
        if (e.pieces.advance(e.held, e.own, model) && e.startMillis < 0) {
            e.startMillis = start;
        }
    }

    /** The frame's early pieces (new after a restore, which does not keep them) with every part taken in. */
    private Early fed(String key, Pending p, StageView view) {
        return early.computeIfAbsent(key, k -> new Early(new EarlyPieces(plans.plan(p.parts[0].plan), block,
                view.work))).feed(p.parts, me, modelConfig.input());
    }

    private void compute(Pending p, StageView view, Context ctx, Collector<RowsMessage> out) {
        long arrived = now(ctx);
        long deadline = Long.MAX_VALUE;
        Timings timings = p.parts[0].timings.copy();
        double transfer = 0;
        long received = 0;
        for (RowsMessage part : p.parts) {
            timings.mergeFrom(part.timings);
            transfer = Math.max(transfer, part.linkMillis());
            deadline = Math.min(deadline, part.localDeadlineMillis);
            if (part.from != me) {
                received += part.data.length;
                // a host-to-secondary or secondary-to-host transfer: it crossed the secondary's link
                timings.linkMs[part.from == 0 ? me : part.from] += part.linkMillis();
            }
        }
        long computeStart = now(ctx);
        String key = p.parts[0].frameKey();
        Early e = fed(key, p, view);
        early.remove(key);
        e.pieces.advance(e.held, e.own, model);
        RowStore output = new RowStore();
        e.pieces.outputInto(output);
        int computed = e.pieces.rowsComputed();
        long delay = System.nanoTime();
        sleep(faults.computeDelayMs(me, p.parts[0].sequence, computed));
        timings.computeMs[me] += e.pieces.computeMs() + (System.nanoTime() - delay) / 1e6;
        if (e.startMillis >= 0) {
            computeStart = e.startMillis;
        }
        timings.transferMs[me] += transfer + (arrived - p.firstArrivalMillis);
        timings.bytesIn[me] += received;
        timings.rowsComputed[me] += computed;
        String seen = timings.taskManagers[me];
        // an edge server must stay on one TaskManager for every block: record a move visibly
        timings.taskManagers[me] = seen == null || seen.equals(taskManager) ? taskManager : seen + "|" + taskManager;
        rows.inc(computed);
        bytesIn.inc(received);

        boolean last = reports != null && reports.lastOfMine(p.parts[0], block);
        if (reports != null && !last) {
            reports.atLeast(p.parts[0], timings.computeMs[me] + timings.linkMs[me]).ifPresent(o -> ctx.output(OBSERVATIONS, o));
        }
        long now = now(ctx);
        long computeEnd = now;
        if (now > deadline) {
            shed.inc(view.sends.size()); // the merge has reported the miss: sending would only load the links
            if (last) {
                // what it computed is still a measurement of its speed (without the way out, which it skips)
                reports.measured(p.parts[0], timings.computeMs[me] + timings.linkMs[me], timings.rowsComputed[me])
                        .ifPresent(o -> ctx.output(OBSERVATIONS, o));
            }
            return;
        }
        List<RowsMessage> sends = new ArrayList<>();
        long sentOut = 0;
        List<TensorBytes> taken = new ArrayList<>();
        for (StageView.Send s : view.sends) {
            TensorBytes t = output.take(s.rows());
            taken.add(t);
            if (s.to() != me) {
                sentOut += t.data().length;
            }
        }
        timings.bytesOut[me] += sentOut;
        // stamped before the rows leave: the messages carry their own timeline, so "sent" is when they were ready
        timings.spans[me] = FrameSpans.record(timings.spans[me], block, deadline, p.firstArrivalMillis, arrived,
                computeStart, computeEnd, now(ctx), received, sentOut);
        for (int i = 0; i < view.sends.size(); i++) {
            StageView.Send s = view.sends.get(i);
            TensorBytes t = taken.get(i);
            RowsMessage m = RowsMessage.about(p.parts[0], s.nextBlock(), me, s.to(), s.rows(), t, timings)
                    .sentAt(now, deadline);
            sends.add(s.to() == me ? m : echo(m, p.parts, now));
        }
        long sending = System.nanoTime();
        for (RowsMessage s : sends) {
            if (s.to != me) {
                sleep(faults.linkDelayMs(me, s)); // rows leaving over a degraded link of this participant
            }
            out.collect(s);
        }
        if (reports != null && last) {
            // the final rows' own way out is not in the timings they carry: add the time spent sending them
            double ms = timings.computeMs[me] + timings.linkMs[me] + (System.nanoTime() - sending) / 1e6;
            reports.measured(p.parts[0], ms, timings.rowsComputed[me]).ifPresent(o -> ctx.output(OBSERVATIONS, o));
        }
    }

    /** This participant's clock (the timer service's time, plus a skew where a fault injects one). */
    private long now(Context ctx) {
        return ctx.timerService().currentProcessingTime() + clockSkewMs;
    }

    /** {@code m}, echoing the latest rows its receiver sent us for this frame (if any): a round trip for it. */
    private static RowsMessage echo(RowsMessage m, RowsMessage[] parts, long now) {
        RowsMessage latest = null;
        for (RowsMessage part : parts) {
            if (part.from == m.to && (latest == null || part.arrivedMillis > latest.arrivedMillis)) {
                latest = part;
            }
        }
        return latest == null ? m : m.echoing(latest, now);
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean covers(RowsMessage[] parts, List<RowRange> needs) {
        List<RowRange> have = new ArrayList<>();
        for (RowsMessage m : parts) {
            have.add(m.rows());
        }
        List<RowRange> union = RowRanges.union(have);
        for (RowRange need : needs) {
            if (union.stream().noneMatch(h -> h.contains(need))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RowsMessage> out) throws Exception {
        expired.inc(expiry.expire(timestamp, pending));
        // a subtask holds one key (its participant's): frames no longer pending have nothing left to compute
        for (var it = early.keySet().iterator(); it.hasNext(); ) {
            if (!pending.contains(it.next())) {
                it.remove();
            }
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
