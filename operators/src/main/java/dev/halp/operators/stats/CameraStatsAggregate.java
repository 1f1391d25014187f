package dev.halp.operators.stats;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.ResultRecord;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.functions.AggregateFunction;

import java.util.Map;
import java.util.TreeMap;

/** Folds one camera's results and misses of a window into counts, latencies and top-1 classes. */
public final class CameraStatsAggregate implements AggregateFunction<ResultRecord, CameraWindowAccumulator, CameraStats> {

    @Override
    public CameraWindowAccumulator createAccumulator() {
        return new CameraWindowAccumulator();
    }

    @Override
    public CameraWindowAccumulator add(ResultRecord r, CameraWindowAccumulator acc) {
        acc.frames++;
        if (r.met()) {
            acc.met++;
            acc.addLatency(Math.round(r.latencyMs));
            String top1 = r.top1();
            if (top1 != null) {
                acc.top1.merge(top1, 1L, Long::sum);
            }
        } else {
            acc.missed++;
            if (r.shed()) {
                acc.shed++;
            }
        }
        return acc;
    }

    /** Camera id and window bounds are left to the window function, which knows them. */
    @Override
    public CameraStats getResult(CameraWindowAccumulator acc) {
        CameraStats s = new CameraStats();
        s.frames = acc.frames;
        s.met = acc.met;
        s.missed = acc.missed;
        s.shed = acc.shed;
        if (acc.latencyCount > 0) {
            Histogram h = new Histogram(3);
            for (int i = 0; i < acc.latencyCount; i++) {
                h.recordValue(Math.max(0, acc.latenciesMs[i]));
            }
            s.latencyP50Ms = (double) h.getValueAtPercentile(50);
            s.latencyP99Ms = (double) h.getValueAtPercentile(99);
        }
        s.top1 = new TreeMap<>(acc.top1);
        return s;
    }

    @Override
    public CameraWindowAccumulator merge(CameraWindowAccumulator a, CameraWindowAccumulator b) {
        a.frames += b.frames;
        a.met += b.met;
        a.missed += b.missed;
        a.shed += b.shed;
        for (int i = 0; i < b.latencyCount; i++) {
            a.addLatency(b.latenciesMs[i]);
        }
        for (Map.Entry<String, Long> e : b.top1.entrySet()) {
            a.top1.merge(e.getKey(), e.getValue(), Long::sum);
        }
        return a;
    }
}
