package dev.halp.kafka.record;

/**
 * What an edge server measured about itself for one frame, published to the job's feedback topic the moment
 * it knows (not when the frame's result is out): compute plus link milliseconds per row it computed, or, for a
 * frame it had to drop as too late, a lower bound. The split reads these back to re-plan. JSON.
 */
public class Observation {

    public String participant;
    public String cameraId;
    public long sequence;
    public long atMillis;
    /** Measured compute + link milliseconds per computed row; 0 when this is a bound. */
    public double msPerRow;
    /** The frame arrived too late to compute: per row it would have taken at least this long; 0 when measured. */
    public double msPerRowAtLeast;

    public Observation() {
    }

    public static Observation measured(String participant, String cameraId, long sequence, double msPerRow) {
        Observation o = of(participant, cameraId, sequence);
        o.msPerRow = msPerRow;
        return o;
    }

    public static Observation atLeast(String participant, String cameraId, long sequence, double msPerRow) {
        Observation o = of(participant, cameraId, sequence);
        o.msPerRowAtLeast = msPerRow;
        return o;
    }

    private static Observation of(String participant, String cameraId, long sequence) {
        Observation o = new Observation();
        o.participant = participant;
        o.cameraId = cameraId;
        o.sequence = sequence;
        o.atMillis = System.currentTimeMillis();
        return o;
    }
}
