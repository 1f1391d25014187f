package dev.halp.operators.flink;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * When a frame would finish under a plan, from what the job has measured: each participant starts the frame
 * when it is free (the predicted end of the frames already admitted to it, or now), works its planned rows
 * at its measured milliseconds per row (compute, plus link time for a secondary), and the frame finishes when
 * the last of them does, plus the scheme's learned bias (how much later than predicted met frames of that
 * scheme finished: the head, the merge and the hops, which rows do not model).
 *
 * <p>The host's speed is required; a secondary not measured yet is assumed as fast as the measured
 * secondaries on average (or the host), as the default equal-share plan assumes. Immutable.
 */
public final class CompletionForecast {

    private final Map<String, Double> msPerRow;
    private final Map<String, Double> biasMs;

    /** {@code msPerRow} by participant name; {@code biasMs} by scheme name (missing: 0). */
    public CompletionForecast(Map<String, Double> msPerRow, Map<String, Double> biasMs) {
        this.msPerRow = Map.copyOf(msPerRow);
        this.biasMs = Map.copyOf(biasMs);
    }

    /** A prediction: the frame's finish, and when each participant would be free again (now if unused). */
    public record Prediction(long finishMillis, long[] freeAtMillis) {
    }

    /** Empty until the host's speed is known. {@code busyUntil}: per participant number, when it is free. */
    public Optional<Prediction> predict(String scheme, int[] rows, long now, long[] busyUntil) {
        Double host = msPerRow.get(Participants.name(0));
        if (host == null || host <= 0) {
            return Optional.empty();
        }
        double assumed = secondariesMean().orElse(host);
        long[] free = new long[rows.length];
        long last = now;
        for (int p = 0; p < rows.length; p++) {
            long start = Math.max(now, p < busyUntil.length ? busyUntil[p] : now);
            if (rows[p] == 0) {
                free[p] = start;
                continue;
            }
            double ms = p == 0 ? host : msPerRow.getOrDefault(Participants.name(p), assumed);
            free[p] = start + Math.round(rows[p] * ms);
            last = Math.max(last, free[p]);
        }
        return Optional.of(new Prediction(last + Math.round(biasMs.getOrDefault(scheme, 0.0)), free));
    }

    private OptionalDouble secondariesMean() {
        return msPerRow.entrySet().stream().filter(e -> !e.getKey().equals(Participants.name(0)) && e.getValue() > 0)
                .mapToDouble(Map.Entry::getValue).average();
    }

    @Override
    public String toString() {
        return "speeds " + msPerRow + ", bias " + biasMs;
    }
}
