package dev.halp.operators.flink;

import dev.halp.operators.exec.RowStore;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * MoDNN's exchange before block {@code block}: the host gathers every participant's previous output rows,
 * then scatters to each participant (itself included) the input rows, with halo, that its piece needs.
 * Only the host (subtask 0) receives anything; other messages pass through.
 */
public class RelayStage extends KeyedProcessFunction<Integer, RowsMessage, RowsMessage> {

    private final int block;
    private final long cleanupAfterMs;

    private transient JobPlans plans;
    private transient MapState<String, Pending> pending;
    private transient FrameExpiry expiry;

    public RelayStage(int block, long cleanupAfterMs) {
        this.block = block;
        this.cleanupAfterMs = cleanupAfterMs;
    }

    @Override
    public void open(OpenContext ctx) {
        plans = new JobPlans();
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("relay", Types.STRING,
                TypeInformation.of(Pending.class)));
        expiry = new FrameExpiry(getRuntimeContext(), cleanupAfterMs);
    }

    @Override
    public void processElement(RowsMessage m, Context ctx, Collector<RowsMessage> out) throws Exception {
        SegmentPlan plan = plans.plan(m.plan);
        if (plan.exchange() != SegmentPlan.Exchange.VIA_HOST || m.block != block || m.relayed
                || block >= plan.blocks().size()) {
            out.collect(m);
            return;
        }
        String key = m.frameKey();
        m.arrive(ctx.timerService().currentProcessingTime());
        if (m.arrivedMillis > m.localDeadlineMillis) {
            pending.remove(key); // past its deadline: the merge reports the miss
            return;
        }
        Pending p = (pending.contains(key) ? pending.get(key) : new Pending()).with(m, m.arrivedMillis);
        if (!BlockStage.covers(p.parts, List.of(RowRange.of(0, plan.inputHeight(block))))) {
            if (p.parts.length == 1) {
                expiry.schedule(key, ctx.timerService());
            }
            pending.put(key, p);
            return;
        }
        pending.remove(key);
        RowStore held = new RowStore();
        Timings timings = p.parts[0].timings.copy();
        long arrived = ctx.timerService().currentProcessingTime();
        double transfer = 0;
        for (RowsMessage part : p.parts) {
            held.put(part.rows(), part.tensor());
            timings.mergeFrom(part.timings);
            transfer = Math.max(transfer, part.linkMillis());
            if (part.from != 0) {
                timings.bytesIn[0] += part.data.length;
            }
        }
        timings.transferMs[0] += transfer + (arrived - p.firstArrivalMillis);
        for (Piece piece : plan.blocks().get(block).pieces()) {
            if (piece.rows().isEmpty()) {
                continue;
            }
            int to = Participants.index(piece.owner());
            RowRange rows = plan.inputRows(block, piece);
            RowsMessage r = RowsMessage.about(p.parts[0], block, 0, to, rows, held.take(rows), timings);
            for (RowsMessage part : p.parts) {
                if (part.from == to && to != 0) {
                    r.echoing(part, arrived); // one part per participant and block: a round trip for its link
                }
            }
            r.relayed = true;
            if (to != 0) {
                timings.bytesOut[0] += r.data.length;
            }
            out.collect(r);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RowsMessage> out) throws Exception {
        expiry.expire(timestamp, pending);
    }
}
