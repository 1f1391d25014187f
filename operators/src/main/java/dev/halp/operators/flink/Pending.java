package dev.halp.operators.flink;

import java.util.Arrays;

/** The messages a participant has received for one frame and block so far (keyed state, a POJO). */
public class Pending {

    public RowsMessage[] parts = new RowsMessage[0];
    public long firstArrivalMillis;

    public Pending() {
    }

    public Pending with(RowsMessage m) {
        Pending p = new Pending();
        p.parts = Arrays.copyOf(parts, parts.length + 1);
        p.parts[parts.length] = m;
        p.firstArrivalMillis = parts.length == 0 ? System.currentTimeMillis() : firstArrivalMillis;
        return p;
    }
}
