package dev.halp.partitioner.scheme;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;

/** Relative device speeds: the inverse of each device's whole-frame time (MoDNN's BODP weights). */
final class Speeds {

    /** Host whole-frame time (ms) below which a prediction is not checked against the devices' speeds. */
    static final double NOISE_FLOOR_MS = 5;

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

    /**
     * Returns {@code plan} unless it predicts a speedup above what the devices allow together: the sum of
     * every participant's speed relative to the host (for equal devices, the number of participants), with
     * 1 % for interpolation. Such a prediction means the cost model is wrong, so it is an error, not a plan.
     * Not checked when the host computes the whole frame in under {@link #NOISE_FLOOR_MS}: a measured profile of
     * such a frame times dispatch and the clock, not rows (a 32x32 frame of the tiny model: 1 ms).
     */
    static SchemePlan requireWithinDevices(SchemePlan plan, Workload w, Cluster cluster) {
        double[] s = of(w, cluster);
        double bound = java.util.Arrays.stream(s).sum() / s[0];
        if (1 / s[0] >= NOISE_FLOOR_MS && plan.speedup() > 1.01 * bound) {
            throw new IllegalStateException(String.format("%s plan predicts a %.2fx speedup, more than the %d devices "
                            + "allow together (%.2fx at their whole-frame speeds): the device profiles' costs are not "
                            + "additive in rows", plan.scheme(), plan.speedup(), s.length, bound));
        }
        return plan;
    }

    private static double speed(Workload w, DeviceProfile d) {
        int[] h = w.model().heights(w.height());
        return 1.0 / d.times(w.model(), w.height(), w.width(), 1).millis(w.model(), h, 0, w.model().features().size());
    }
}
