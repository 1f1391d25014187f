package dev.halp.partitioner.plan;

/**
 * An edge server taking part in a frame: the host (which holds the frame, computes the zones and runs the
 * head) or secondary {@code i} (0-based).
 */
public record Participant(Role role, int index) implements Comparable<Participant> {

    public enum Role { HOST, SECONDARY }

    public static final Participant HOST = new Participant(Role.HOST, 0);

    public Participant {
        if (index < 0 || (role == Role.HOST && index != 0)) {
            throw new IllegalArgumentException("bad participant " + role + " " + index);
        }
    }

    public static Participant secondary(int index) {
        return new Participant(Role.SECONDARY, index);
    }

    public boolean isHost() {
        return role == Role.HOST;
    }

    /** Its number among a frame's participants: 0 the host, {@code i + 1} secondary {@code i}. */
    public int number() {
        return isHost() ? 0 : index + 1;
    }

    /** The participant with {@link #number()} {@code n}. */
    public static Participant ofNumber(int n) {
        return n == 0 ? HOST : secondary(n - 1);
    }

    @Override
    public int compareTo(Participant o) {
        return role != o.role ? role.compareTo(o.role) : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return isHost() ? "host" : "secondary " + index;
    }
}
