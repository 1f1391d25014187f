package dev.halp.partitioner.sim;

import dev.halp.partitioner.plan.Participant;

/**
 * Numbering of the simulator's resources: the host's uplink (all its sends queue there), the host's
 * downlink (all receptions from secondaries), then one device per participant.
 */
public final class Resources {

    public static final int HOST_UPLINK = 0;
    public static final int HOST_DOWNLINK = 1;

    private Resources() {
    }

    public static int device(Participant p) {
        return p.isHost() ? 2 : 3 + p.index();
    }

    public static int count(int secondaries) {
        return 3 + secondaries;
    }

    public static String name(int resource) {
        return switch (resource) {
            case HOST_UPLINK -> "host uplink";
            case HOST_DOWNLINK -> "host downlink";
            case 2 -> "host";
            default -> "secondary " + (resource - 3);
        };
    }
}
