package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.halp.partitioner.layer.BorderFill;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.rf.LayerStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.Arrays;

/**
 * Runs every slice so that its rows are bit-identical to the same rows of the whole-frame layer, whatever
 * kernels this machine's PyTorch picks.
 *
 * <p>Why: PyTorch's CPU kernels choose their blocking, and with it the order in which a convolution sums
 * over input channels, from the problem size, and the choice differs between CPUs (on AMD EPYC with
 * AVX-512, MKL sums a 1x1 convolution over 7 positions in another order than over 49). No rule written
 * down for one CPU holds on the next, so the runtime asks the machine it runs on.
 *
 * <p>How: the first time a slice geometry (layer, batch, the layer's whole input height and width, the
 * slice's input rows) runs, it is probed: the slice path runs on position-seeded pseudo-random rows
 * ({@link ProbeRows}) and each output row's hash is compared with the same row of the whole-frame layer run
 * once on the whole pseudo-random input (kept as one hash per row, per layer and input shape). A geometry
 * that matches runs directly from then on. One that does not runs in the whole-frame shape: the slice is
 * placed at its rows in a zero tensor of the whole input's shape and the layer runs exactly as for the
 * whole frame, so the same kernel sees the same shape and every kept row is bit-identical by construction.
 * That costs the whole layer, which is why it is only the fallback. Layers without rounding (ReLU, max
 * pooling) are never probed.
 */
public final class ExactSlices {

    private static final Logger LOG = LoggerFactory.getLogger(ExactSlices.class);

    /** Decisions kept (least recently used dropped first); a plan uses a few per layer and participant. */
    static final int MAX_GEOMETRIES = 4096;
    /** Whole-frame row hashes kept: one per (layer, batch, frame size). */
    static final int MAX_FINGERPRINTS = 512;

    private record Geometry(String layer, long batch, int inputHeight, long width, int from, int to) {
    }

    private record WholeShape(String layer, long batch, int inputHeight, long width) {
    }

    private final boolean enabled;
    private final Cache<Geometry, Boolean> direct = Caffeine.newBuilder().maximumSize(MAX_GEOMETRIES).build();
    private final Cache<WholeShape, long[]> fingerprints = Caffeine.newBuilder().maximumSize(MAX_FINGERPRINTS).build();
    private final SliceStats stats = new SliceStats();

    ExactSlices(boolean enabled) {
        this.enabled = enabled;
    }

    /** Whether slices are checked (off: every slice runs directly, as fast as it can but not promised exact). */
    public boolean enabled() {
        return enabled;
    }

    /** What probing and the fallback have cost so far. */
    public SliceStats.Report report() {
        return stats.report();
    }

    /**
     * One step of a slice program for the layer named {@code key} (unique in the model): the whole-frame
     * call when the slice is the whole input with the layer's own padding, else {@link #run}.
     */
    NDArray runStep(String key, LayerBlock layer, LayerSpec spec, LayerStep step, NDArray x) {
        if (step.inputRows().size() == step.inputHeight() && step.padTop() == spec.padding()
                && step.padBottom() == spec.padding()) {
            return layer.apply(x, false);
        }
        return run(key, layer, spec.borderFill(), step, x);
    }

    /** Layer {@code key} on slice {@code x} (the step's input rows, without border rows). */
    NDArray run(String key, LayerBlock layer, BorderFill fill, LayerStep step, NDArray x) {
        if (!enabled || layer.roundingFree()) {
            return direct(layer, fill, step, x);
        }
        Shape s = x.getShape();
        Geometry g = new Geometry(key, s.get(0), step.inputHeight(), s.get(3), step.inputRows().start(),
                step.inputRows().end());
        // computed once per geometry: a subtask asking while another probes it waits for that answer
        if (direct.get(g, k -> probe(k, layer, fill, step, s.get(1), x.getManager()))) {
            return direct(layer, fill, step, x);
        }
        long t0 = System.nanoTime();
        NDArray y = wholeShape(layer, step, x);
        stats.fallback(key, System.nanoTime() - t0);
        return y;
    }

    private static NDArray direct(LayerBlock layer, BorderFill fill, LayerStep step, NDArray x) {
        return layer.applySlice(Tensors.padRows(x, step.padTop(), step.padBottom(), fill), step.inputHeight());
    }

    /** The slice at its rows of a zero tensor shaped like the whole input, through the whole-frame call. */
    private static NDArray wholeShape(LayerBlock layer, LayerStep step, NDArray x) {
        Shape s = x.getShape();
        NDManager m = x.getManager();
        NDList parts = new NDList();
        int above = step.inputRows().start();
        int below = step.inputHeight() - step.inputRows().end();
        if (above > 0) {
            parts.add(m.zeros(new Shape(s.get(0), s.get(1), above, s.get(3))));
        }
        parts.add(x);
        if (below > 0) {
            parts.add(m.zeros(new Shape(s.get(0), s.get(1), below, s.get(3))));
        }
        NDArray whole = parts.size() == 1 ? x : NDArrays.concat(parts, 2);
        // a copy, not a view: the next layer must see a contiguous tensor, as in the whole frame
        return layer.apply(whole, false).get(new NDIndex(":, :, {}:{}", step.outputRows().start(),
                step.outputRows().end())).duplicate();
    }

    private boolean probe(Geometry g, LayerBlock layer, BorderFill fill, LayerStep step, long channels,
                          NDManager parent) {
        long t0 = System.nanoTime();
        try (NDManager m = parent.newSubManager()) {
            long[] whole = fingerprints.get(new WholeShape(g.layer(), g.batch(), g.inputHeight(), g.width()),
                    k -> RowHashes.of(layer.apply(
                            ProbeRows.of(m, g.batch(), channels, g.inputHeight(), g.width(), 0, g.inputHeight()),
                            false)));
            long[] slice = RowHashes.of(direct(layer, fill, step,
                    ProbeRows.of(m, g.batch(), channels, g.inputHeight(), g.width(), g.from(), g.to())));
            boolean same = Arrays.equals(slice, Arrays.copyOfRange(whole, step.outputRows().start(),
                    step.outputRows().end()));
            if (!same) {
                LOG.info("{}: a slice of input rows [{},{}) of {} (batch {}, width {}) differs from the whole-frame "
                                + "layer on this machine; it runs in the whole-frame shape", g.layer(), g.from(),
                        g.to(), g.inputHeight(), g.batch(), g.width());
            }
            stats.probed(g.layer(), same, System.nanoTime() - t0);
            return same;
        }
    }
}
