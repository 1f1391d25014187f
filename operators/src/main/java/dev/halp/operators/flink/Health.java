package dev.halp.operators.flink;

import dev.halp.kafka.record.ResultRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
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

    public String participant;
    public boolean silent;
    public long atMillis;
    /** Compute plus link milliseconds per row of the frame this came from; 0 when unknown. */
    public double msPerRow;
    /**
     * A lower bound instead of a measurement: a missed frame's secondary that delivered nothing took longer
     * than the time it had divided by the rows it was given; 0 when none.
     */
    public double msPerRowAtLeast;


    public Health() {
    }

    public Health(String participant, boolean silent, long atMillis) {
        this.participant = participant;
        this.silent = silent;
        this.atMillis = atMillis;
    }

    /** Turns result records into health signals for the secondaries. */
    public static class FromResults implements FlatMapFunction<ResultRecord, Health> {
        @Override
        public void flatMap(ResultRecord r, Collector<Health> out) {
            if (r.rescued != null) {
                r.rescued.stream().filter(p -> !p.equals("host"))
                        .forEach(p -> out.collect(new Health(p, true, r.completionMillis)));
            }
            r.es.forEach((p, es) -> {
                if (p.equals("host") || (r.rescued != null && r.rescued.contains(p))) {
                    return;
                }
                if (es.rowsComputed > 0) {
                    // on a miss these are the rows it finished and the time they took: still a measurement
                    Health h = new Health(p, false, r.completionMillis);
                    h.msPerRow = (es.computeMs + es.linkMs) / es.rowsComputed;
                    out.collect(h);
                } else if (!r.met() && es.rowsPlanned > 0 && r.splitMillis > 0 && r.deadlineMillis > r.splitMillis) {
                    Health h = new Health(p, false, r.completionMillis);
                    h.msPerRowAtLeast = (double) (r.deadlineMillis - r.splitMillis) / es.rowsPlanned;
                    out.collect(h);
                }
            });
        }
    }
}
