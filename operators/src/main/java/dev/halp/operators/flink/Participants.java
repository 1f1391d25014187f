package dev.halp.operators.flink;

import dev.halp.partitioner.plan.Participant;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;


/**
 * Participant numbering in the job: 0 is the host, {@code i + 1} is secondary {@code i}; that number is
 * also the subtask index of every block stage. Keys are crafted so that {@code keyBy} sends participant
 * {@code k} to subtask {@code k} (a plain hash would scatter them).
 */
public final class Participants {

    /** Fixed so the crafted keys stay valid; every keyed stage sets it. */
    public static final int MAX_PARALLELISM = 128;

    private Participants() {
    }

    public static int index(Participant p) {
        return p.number();
    }

    public static Participant of(int index) {
        return Participant.ofNumber(index);
    }

    public static String name(int index) {
        return index == 0 ? "host" : "secondary_" + (index - 1);
    }

    /** For each subtask {@code k < parallelism}, the smallest key that Flink routes to it. */
    public static int[] routingKeys(int parallelism) {
        int[] keys = new int[parallelism];
        int found = 0;
        boolean[] done = new boolean[parallelism];
        for (int key = 0; found < parallelism; key++) {
            int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, parallelism);
            if (!done[subtask]) {
                done[subtask] = true;
                keys[subtask] = key;
                found++;
            }
        }
        return keys;
    }
}
