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
     * The split's broadcast state: by scheme, how many milliseconds later than predicted its met frames finish
     * (learned from each prediction's error; see {@link CompletionForecast}).
     */
    public static final MapStateDescriptor<String, Double> PREDICTION_BIAS =
            new MapStateDescriptor<>("prediction-bias-ms", Types.STRING, Types.DOUBLE);
    static final String FRAME = "frame";

    public String participant;
    public boolean silent;
    public long atMillis;
    /** Compute plus link milliseconds per row of the frame this came from; 0 when unknown. */
    public double msPerRow;
    /** A lower bound instead of a measurement (a frame that reached the secondary too late); 0 when none. */
    public double msPerRowAtLeast;
    /**
     * A met frame's actual minus predicted finish (participant {@code "frame"}, its plan's scheme in
     * {@code scheme}); only when {@code scheme} is set.
     */
    public double predictionErrorMs;
    /** What was predicted for that frame: milliseconds from its split to its finish. */
    public double predictedMs;
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
            if (ResultRecord.MET.equals(r.status) && r.predictedFinishMillis > 0) {
                Health h = new Health(FRAME, false, r.completionMillis);
                h.scheme = r.scheme;
                h.predictionErrorMs = r.completionMillis - r.predictedFinishMillis;
                h.predictedMs = r.predictedFinishMillis - (r.completionMillis - Math.round(r.afterSplitMs));
                out.collect(h);
            }
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
