package dev.halp.operators.flink;

import dev.halp.kafka.record.ResultRecord;
import dev.halp.kafka.record.Observation;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * What the results say about the edge servers, fed back to the split: a participant the host had to stand
 * in for (a rescued frame) is silent; one that computed rows of a frame is answering again.
 */
public class Health {

    /** The split's broadcast state: silent participant name to the completion time of the result that said so. */
    public static final MapStateDescriptor<String, Long> SILENT =
            new MapStateDescriptor<>("silent-participants", Types.STRING, Types.LONG);

    /** The split's broadcast state: measured milliseconds per computed row, per secondary (moving average). */
    public static final MapStateDescriptor<String, Double> MS_PER_ROW =
            new MapStateDescriptor<>("ms-per-row", Types.STRING, Types.DOUBLE);

    /** The split's broadcast state: when (the split's clock) each participant's speed last changed. */
    public static final MapStateDescriptor<String, Long> SPEED_AT =
            new MapStateDescriptor<>("speed-updated-at", Types.STRING, Types.LONG);

    /**
     * The split's broadcast state: by scheme, how many milliseconds its met frames take beyond the rows model
     * (learned from each prediction's error; see {@link CompletionForecast}).
     */
    public static final MapStateDescriptor<String, Double> RESIDUAL =
            new MapStateDescriptor<>("residual-ms", Types.STRING, Types.DOUBLE);

    /**
     * The split's broadcast state: how long each frame admitted before a new one holds it back. Entry
     * {@code "interval"}: the time between the results of frames that had to wait (moving average), what the
     * pipeline delivers under load; entry {@code "work"}: until that is known, the longest compute plus link
     * time of one participant in recent met frames; entry {@code "last"}: the last computed frame's finish;
     * entry {@code "error"}: the recent computed frames' |actual - predicted| finish (moving average).
     */
    public static final MapStateDescriptor<String, Double> PACE =
            new MapStateDescriptor<>("pace-ms", Types.STRING, Types.DOUBLE);
    static final String FRAME = "frame";

    /** Every broadcast state of the split, for {@code broadcast(...)}. */
    @SuppressWarnings("unchecked")
    public static MapStateDescriptor<String, ?>[] states() {
        return new MapStateDescriptor[] {SILENT, MS_PER_ROW, SPEED_AT, RESIDUAL, PACE};
    }

    public String participant;
    public boolean silent;
    public long atMillis;
    /** Compute plus link milliseconds per row of the frame this came from; 0 when unknown. */
    public double msPerRow;
    /** A lower bound instead of a measurement (a frame that reached the secondary too late); 0 when none. */
    public double msPerRowAtLeast;
    /** A frame that ended (participant {@code "frame"}): its key; null for other signals. */
    public String doneFrame;
    /**
     * A met frame's time beyond its participants' own work and its predicted wait (participant
     * {@code "frame"}, its plan's scheme in {@code scheme}): from the split to its result, less the longest
     * compute plus link time of one participant (the host's without the head) in {@code workMs}, less the wait
     * predicted for it; only when {@code scheme} is set.
     */
    public double residualMs;
    public double workMs;
    /** A computed frame's actual minus predicted finish; NaN when it was not computed or had no prediction. */
    public double errorMs = Double.NaN;
    /** That met frame was predicted to wait behind others: the pipeline was busy when it finished. */
    public boolean queued;
    public String scheme;


    public Health() {
    }

    public Health(String participant, boolean silent, long atMillis) {
        this.participant = participant;
        this.silent = silent;
        this.atMillis = atMillis;
    }

    /** Turns result records into health signals for the secondaries: silent, or answering again. */
    public static class FromResults implements FlatMapFunction<ResultRecord, Health> {
        @Override
        public void flatMap(ResultRecord r, Collector<Health> out) {
            Health done = new Health(FRAME, false, r.completionMillis);
            done.doneFrame = r.cameraId + "#" + r.sequence;
            if (r.predictedFinishMillis > 0 && r.scoresSha256 != null && r.rescued == null) {
                done.errorMs = r.completionMillis - r.predictedFinishMillis; // computed, met or late
            }
            if (ResultRecord.MET.equals(r.status) && r.afterSplitMs > 0 && r.rescued == null) {
                done.scheme = r.scheme;
                for (var e : r.es.entrySet()) {
                    double head = e.getKey().equals("host") ? r.headMs : 0;
                    done.workMs = Math.max(done.workMs, e.getValue().computeMs - head + e.getValue().linkMs);
                }
                done.residualMs = r.afterSplitMs - done.workMs - r.predictedWaitMs;
                done.queued = r.predictedWaitMs > 0;
            }
            out.collect(done);
            if (r.rescued != null) {
                r.rescued.stream().filter(p -> !p.equals("host"))
                        .forEach(p -> out.collect(new Health(p, true, r.completionMillis)));
            }
            r.es.forEach((p, es) -> {
                if (!p.equals("host") && es.rowsComputed > 0 && (r.rescued == null || !r.rescued.contains(p))) {
                    out.collect(new Health(p, false, r.completionMillis));
                }
            });
        }
    }

    /** Turns an edge server's own observation into its speed signal (a measurement answers, a bound does not). */
    public static class FromObservations implements MapFunction<Observation, Health> {
        @Override
        public Health map(Observation o) {
            Health h = new Health(o.participant, false, o.atMillis);
            h.msPerRow = o.msPerRow;
            h.msPerRowAtLeast = o.msPerRowAtLeast;
            return h;
        }
    }
}
