package dev.halp.operators.flink;

import java.util.Arrays;

/** The messages a participant has received for one frame and block so far (keyed state, a POJO). */
public class Pending {

    public RowsMessage[] parts = new RowsMessage[0];
    public long firstArrivalMillis;

    public Pending() {
    }

    /** These messages and {@code m}, which arrived at {@code now} (the stage's processing time). */
    public Pending with(RowsMessage m, long now) {
        Pending p = new Pending();
        p.parts = Arrays.copyOf(parts, parts.length + 1);
        p.parts[parts.length] = m;
        p.firstArrivalMillis = parts.length == 0 ? now : firstArrivalMillis;
        return p;
    }
}
