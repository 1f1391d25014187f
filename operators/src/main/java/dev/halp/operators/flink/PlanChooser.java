package dev.halp.operators.flink;

import dev.halp.partitioner.util.BoundedCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * Which plan a frame gets, and when it is predicted to finish under it.
 *
 * <p>A fixed scheme: the configured or default plan, without the secondaries that are silent now, with shares
 * that follow the measured speeds under {@code --adaptive}. The {@code auto} scheme forecasts every candidate
 * ({@link CompletionForecast}): Local (the host alone), and HALP on the {@code k} fastest secondaries that are
 * not silent, for every {@code k}; the earliest predicted finish wins (ties: the candidate listed first, Local
 * then fewer secondaries, which loads fewer servers). Until the host's speed is measured it uses HALP with
 * every secondary. Every {@code probeEvery}-th frame is a probe: it uses every secondary, silent and slow ones
 * included, so one left out is measured again and put back once it is fast; but only when the probe is
 * predicted to finish with a quarter of the frame's time to spare (or when no candidate meets the deadline). A speed not updated for
 * {@link #STALE_AFTER_MS} is forgotten (the split assumes the secondaries' mean), so a secondary left out for
 * long is tried again even under deadlines too tight to probe it. Not thread-safe (one per split).
 */
final class PlanChooser {

    /** Plan specs kept: every frame size, candidate and share vector in use, with room to spare. */
    static final int MAX_SPECS = 256;

    /** A secondary's speed not updated for this long is forgotten. */
    static final long STALE_AFTER_MS = 30_000;

    /** Weight of a secondary that takes no rows (the proportional split needs a positive weight). */
    private static final double LEFT_OUT = 1e-9;

    private final String scheme;
    private final String model;
    private final int secondaries;
    private final PlanSpec configured;
    private final int probeEvery;
    private final long lateMarginMs;
    private final JobPlans plans;
    private final PlannedRows rows;
    private final BoundedCache<String, PlanSpec> specs = new BoundedCache<>("split plan specs", MAX_SPECS);

    /**
     * What the split knows now: silent secondaries (indices), speeds (compute plus link) by participant,
     * residuals by scheme, adaptive shares (or null).
     */
    record Live(Set<Integer> silent, Map<String, Double> msPerRow, Map<String, Double> residualMs, double[] shares) {
    }

    /** The chosen plan; {@code prediction} empty when nothing could be predicted yet. */
    record Choice(PlanSpec spec, Optional<Long> prediction, long waitMs, String candidates) {
    }

    /** {@code lateMarginMs}: a frame predicted to finish within this after its deadline still counts as meeting it. */
    PlanChooser(String scheme, String model, int secondaries, PlanSpec configured, int probeEvery, long lateMarginMs,
                JobPlans plans) {
        this.lateMarginMs = lateMarginMs;
        this.scheme = scheme;
        this.model = model;
        this.secondaries = secondaries;
        this.configured = configured;
        this.probeEvery = Math.max(1, probeEvery);
        this.plans = plans;
        this.rows = new PlannedRows(plans);
    }

    boolean isProbe(long sequence) {
        return sequence % probeEvery == 0;
    }

    /**
     * The plan for a batch of {@code batch} frames of {@code height x width} with sequence {@code sequence};
     * {@code waitMs} says how long a frame would wait behind the frames admitted before it, given which
     * participants compute how many rows of it.
     */
    Choice choose(int height, int width, long sequence, int batch, long now, ToLongFunction<int[]> waitMs,
                  long deadline, Live live) {
        CompletionForecast forecast = new CompletionForecast(live.msPerRow(), live.residualMs());
        if (!scheme.equals("auto")) {
            PlanSpec spec = fixed(height, width, isProbe(sequence) ? Set.of() : live.silent(), live.shares());
            return choice(forecast, spec, batch, now, waitMs, spec.scheme);
        }
        List<Integer> usable = new ArrayList<>();
        Set<Integer> everyone = new TreeSet<>();
        for (int i = 0; i < secondaries; i++) {
            everyone.add(i);
            if (!live.silent().contains(i)) {
                usable.add(i);
            }
        }
        if (live.msPerRow().get(Participants.name(0)) == null) {
            PlanSpec all = halpOn(height, width, new TreeSet<>(usable), live.shares());
            return new Choice(all, Optional.empty(), 0, "halp on every secondary (nothing measured yet)");
        }
        double assumed = live.msPerRow().getOrDefault(Participants.name(0), 1.0);
        usable.sort(Comparator.comparingDouble(i -> live.msPerRow().getOrDefault(Participants.name(i + 1), assumed)));
        List<PlanSpec> candidates = new ArrayList<>();
        candidates.add(local(height, width));
        for (int k = 1; k <= usable.size(); k++) {
            candidates.add(halpOn(height, width, new TreeSet<>(usable.subList(0, k)), live.shares()));
        }
        Choice best = null;
        StringBuilder seen = new StringBuilder();
        for (PlanSpec c : candidates) {
            Choice next = choice(forecast, c, batch, now, waitMs, "");
            var p = next.prediction();
            seen.append(seen.length() == 0 ? "" : ", ").append(describe(c)).append(' ')
                    .append(p.map(x -> (x - now) + " ms").orElse("?"));
            if (best == null || p.isPresent() && p.get() < best.prediction().get()) {
                best = next;
            }
        }
        if (isProbe(sequence)) {
            PlanSpec all = halpOn(height, width, everyone, live.shares());
            Choice probe = choice(forecast, all, batch, now, waitMs, seen + "; probe: " + describe(all));
            boolean bestMeets = best.prediction().get() <= deadline + lateMarginMs;
            // a probe risks the frame on a secondary that may still be slow: only with a quarter of the time to spare
            if (!bestMeets || probe.prediction().get() <= deadline - (deadline - now) / 4) {
                return probe;
            }
        }
        return new Choice(best.spec(), best.prediction(), best.waitMs(), seen.toString());
    }

    /**
     * The plan's predicted timeline, for drawing next to the actual one: per participant and block that it
     * computes, {@code [participant, block, start, end]} in ms after the split. Blocks run one after the other
     * (a block starts when every participant has finished the one before, as halo rows need), each participant
     * taking its rows of the block times its measured ms per row; the first starts after {@code waitMs}. Null
     * while a participant of the plan has no measured speed.
     */
    long[] timeline(PlanSpec spec, int batch, long waitMs, Live live) {
        var plan = plans.plan(spec);
        int participants = plan.secondaries() + 1;
        List<Long> out = new ArrayList<>();
        int blocks = plan.blocks().size();
        double start = waitMs;
        for (int b = 0; b < blocks; b++) {
            double end = start;
            for (int p = 0; p < participants; p++) {
                int[] mine = rows.byBlock(spec, p);
                int n = b < mine.length ? mine[b] : 0;
                if (n == 0) {
                    continue;
                }
                Double ms = live.msPerRow().get(Participants.name(p));
                if (ms == null) {
                    return null;
                }
                double finish = start + n * batch * ms;
                out.addAll(List.of((long) p, (long) b, Math.round(start), Math.round(finish)));
                end = Math.max(end, finish);
            }
            start = end;
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Rows per participant under {@code spec}, for one frame. */
    int[] rows(PlanSpec spec) {
        return rows.of(spec);
    }

    /** "local", or "halp on secondary_0, secondary_1". */
    String describe(PlanSpec spec) {
        if (spec.scheme.equals("local")) {
            return "local";
        }
        int offset = spec.weights.length - secondaries;
        List<String> on = new ArrayList<>();
        for (int i = 0; i < secondaries; i++) {
            if (spec.weights[offset + i] > LEFT_OUT) {
                on.add(Participants.name(i + 1));
            }
        }
        return spec.scheme + " on " + (on.isEmpty() ? "the host" : String.join(", ", on));
    }

    private Choice choice(CompletionForecast forecast, PlanSpec spec, int batch, long now, ToLongFunction<int[]> waitMs,
                          String candidates) {
        int[] planned = rows.of(spec).clone();
        long wait = waitMs.applyAsLong(planned);
        for (int p = 0; p < planned.length; p++) {
            planned[p] *= batch; // speeds are per row of one frame
        }
        return new Choice(spec, forecast.predict(spec.scheme, planned, now, wait), wait, candidates);
    }

    /**
     * The participants a frame loads: the secondaries that compute rows of it (bits {@code 1..}), or, for a
     * frame the host computes alone, the host (bit 0). HALP's host computes only thin zones.
     */
    static long heavy(int[] rows) {
        long mask = 0;
        for (int p = 1; p < rows.length; p++) {
            if (rows[p] > 0) {
                mask |= 1L << p;
            }
        }
        return mask == 0 ? 1L : mask;
    }

    private PlanSpec local(int height, int width) {
        return specs.get(height + "x" + width + " local", k -> JobPlans.defaultSpec("local", model, height, width, secondaries));
    }

    private PlanSpec halpOn(int height, int width, Set<Integer> on, double[] shares) {
        Set<Integer> off = new TreeSet<>();
        for (int i = 0; i < secondaries; i++) {
            if (!on.contains(i)) {
                off.add(i);
            }
        }
        return specs.get(height + "x" + width + " halp without " + off + Arrays.toString(shares),
                k -> without("halp", null, height, width, off, shares));
    }

    /** The configured or default plan; without the silent secondaries when there are any. */
    private PlanSpec fixed(int height, int width, Set<Integer> silent, double[] shares) {
        return specs.get(height + "x" + width + " " + scheme + " without " + silent + Arrays.toString(shares),
                k -> without(scheme, configured, height, width, silent, shares));
    }

    private PlanSpec without(String s, PlanSpec configured, int height, int width, Set<Integer> off, double[] shares) {
        if (off.isEmpty() && shares == null) {
            return configured != null && configured.height == height && configured.width == width ? configured
                    : JobPlans.defaultSpec(s, model, height, width, secondaries);
        }
        if (off.size() == secondaries) {
            return JobPlans.defaultSpec("local", model, height, width, secondaries);
        }
        PlanSpec spec = JobPlans.defaultSpec(s, model, height, width, secondaries);
        int offset = spec.weights.length - secondaries; // MoDNN's weights start with the host's
        double[] weights = spec.weights.clone();
        if (shares != null) {
            System.arraycopy(shares, 0, weights, offset, secondaries);
        }
        off.forEach(i -> weights[offset + i] = LEFT_OUT);
        return new PlanSpec(spec.scheme, spec.model, spec.height, spec.width, spec.secondaries, spec.blockEnds, weights);
    }
}
