package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;

/** Relative device speeds: the inverse of each device's whole-frame time (MoDNN's BODP weights). */
final class Speeds {

    private Speeds() {
    }

    /** Index 0 is the host, then the secondaries. */
    static double[] of(Workload w, Cluster cluster) {
        double[] s = new double[cluster.size() + 1];
        s[0] = speed(w, cluster.host());
        for (int i = 0; i < cluster.size(); i++) {
            s[i + 1] = speed(w, cluster.secondaries().get(i));
        }
        return s;
    }

    private static double speed(Workload w, DeviceProfile d) {
        int[] h = w.model().heights(w.height());
        return 1.0 / d.times(w.model(), w.height(), w.width(), 1).millis(w.model(), h, 0, w.model().features().size());
    }
}
