package dev.halp.operators.flink;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * When a frame would finish under a plan, from what the job has measured. Its service: every participant
 * works its planned rows at its measured milliseconds per row (compute, plus link time for a secondary), and
 * the frame is done when the last of them is. Its finish: now, plus its wait behind the frames admitted
 * before it and not finished (given by the caller), plus the service, plus the scheme's residual, learned from
 * the job's own results: a moving average, over its recent met frames, of the time from the split to the
 * result beyond the longest participant's own compute and link time and the wait predicted for it. That is the
 * head, the merge and the hops, which rows do not model, and what the wait's model misses. Measured in
 * hindsight from each frame's own timings, it does not depend on the speeds in effect when that frame was
 * planned.
 *
 * <p>The host's speed is required; a secondary not measured yet is assumed as fast as the measured
 * secondaries on average (or the host), as the default equal-share plan assumes. Immutable.
 */
public final class CompletionForecast {

    private final Map<String, Double> msPerRow;
    private final Map<String, Double> residualMs;

    /** {@code msPerRow} by participant name; {@code residualMs} by scheme name (missing: 0). */
    public CompletionForecast(Map<String, Double> msPerRow, Map<String, Double> residualMs) {
        this.msPerRow = Map.copyOf(msPerRow);
        this.residualMs = Map.copyOf(residualMs);
    }

    /**
     * Empty until the host's speed is known; otherwise the predicted finish on the host's clock, for a frame
     * that first waits {@code waitMs} behind the frames admitted before it.
     */
    public Optional<Long> predict(String scheme, int[] rows, long now, long waitMs) {
        Double host = msPerRow.get(Participants.name(0));
        if (host == null || host <= 0) {
            return Optional.empty();
        }
        double assumed = secondariesMean().orElse(host);
        double service = 0;
        for (int p = 0; p < rows.length; p++) {
            double ms = p == 0 ? host : msPerRow.getOrDefault(Participants.name(p), assumed);
            service = Math.max(service, rows[p] * ms);
        }
        return Optional.of(now + waitMs + Math.round(Math.max(0, service + residualMs.getOrDefault(scheme, 0.0))));
    }

    private OptionalDouble secondariesMean() {
        return msPerRow.entrySet().stream().filter(e -> !e.getKey().equals(Participants.name(0)) && e.getValue() > 0)
                .mapToDouble(Map.Entry::getValue).average();
    }

    @Override
    public String toString() {
        return "speeds " + msPerRow + ", residuals " + residualMs;
    }
}
