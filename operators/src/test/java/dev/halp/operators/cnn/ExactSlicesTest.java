package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.halp.operators.Frames;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.layer.BorderFill;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check against the whole frame, on layers whose slice path is known to differ or to agree whatever the
 * CPU: a layer that sums its channels in one order on the whole frame and in the reverse order on a slice
 * (the way a kernel chosen by input size can), and ReLU, which never rounds.
 */
class ExactSlicesTest {

    private static final int HEIGHT = 24;
    private static final List<RowRange> SLICES = List.of(RowRange.of(0, 1), RowRange.of(3, 11), RowRange.of(20, 24));

    private NDManager manager;
    private NDArray frame;

    @BeforeEach
    void engine() {
        DjlEnvironment.ensureOffline();
        manager = NDManager.newBaseManager("PyTorch");
        frame = Tensors.toNDArray(manager, Frames.random(11, 16, HEIGHT, 20));
    }

    @AfterEach
    void release() {
        manager.close();
    }

    @Test
    void aSliceThatDiffersRunsInTheWholeFrameShapeAndIsExact() {
        ChannelSum layer = new ChannelSum();
        TensorBytes whole = Tensors.toBytes(layer.apply(frame, false));
        ExactSlices checked = new ExactSlices(true);
        for (RowRange rows : SLICES) {
            TensorBytes slice = Tensors.toBytes(checked.run("sum", layer, BorderFill.ZERO, step(rows), rows(rows)));
            assertArrayEquals(whole.rows(rows.start(), rows.end()).data(), slice.data(), "rows " + rows);
        }
        SliceStats.Report report = checked.report();
        assertEquals(SLICES.size(), report.probed());
        assertEquals(SLICES.size(), report.fallbackGeometries(), "every slice of this layer differs directly");
        assertEquals(List.of("sum"), report.fallbacks().stream().map(SliceStats.LayerCost::layer).toList());
        assertEquals(SLICES.size(), report.fallbacks().get(0).runs());

        checked.run("sum", layer, BorderFill.ZERO, step(SLICES.get(1)), rows(SLICES.get(1)));
        assertEquals(SLICES.size(), checked.report().probed(), "a geometry is probed once");
    }

    @Test
    void uncheckedTheSameSlicesDiffer() {
        ChannelSum layer = new ChannelSum();
        TensorBytes whole = Tensors.toBytes(layer.apply(frame, false));
        RowRange rows = SLICES.get(1);
        TensorBytes slice = Tensors.toBytes(new ExactSlices(false).run("sum", layer, BorderFill.ZERO, step(rows),
                rows(rows)));
        float diff = whole.rows(rows.start(), rows.end()).maxAbsDiff(slice);
        assertTrue(diff > 0 && diff < 1e-5, "the reversed sum differs in the last bits only: " + diff);
    }

    @Test
    void layersThatNeverRoundAreNotProbed() {
        ReluLayer relu = new ReluLayer("relu");
        TensorBytes whole = Tensors.toBytes(relu.apply(frame, false));
        ExactSlices checked = new ExactSlices(true);
        for (RowRange rows : SLICES) {
            TensorBytes slice = Tensors.toBytes(checked.run("relu", relu, BorderFill.ZERO, step(rows), rows(rows)));
            assertArrayEquals(whole.rows(rows.start(), rows.end()).data(), slice.data());
        }
        assertEquals(0, checked.report().probed());
    }

    @Test
    void probeRowsDependOnlyOnTheirPosition() {
        NDArray all = ProbeRows.of(manager, 2, 3, 40, 1000, 0, 40);
        NDArray part = ProbeRows.of(manager, 2, 3, 40, 1000, 7, 33);
        assertArrayEquals(all.get(new NDIndex(":, :, 7:33, :")).toFloatArray(), part.toFloatArray());
        assertEquals(RowHashes.of(all.get(new NDIndex(":, :, 7:33, :"))).length, 26);
        long[] hashes = RowHashes.of(all);
        assertArrayEquals(java.util.Arrays.copyOfRange(hashes, 7, 33), RowHashes.of(part));
        assertTrue(hashes[0] != hashes[1], "rows hash apart");
    }

    private NDArray rows(RowRange rows) {
        return frame.get(new NDIndex(":, :, {}:{}, :", rows.start(), rows.end())).duplicate();
    }

    private static LayerStep step(RowRange rows) {
        return new LayerStep(0, HEIGHT, rows, 0, 0, rows);
    }

    /** Sums the channels into one: first to last on the whole frame, last to first on a slice. */
    private static final class ChannelSum extends LayerBlock {

        ChannelSum() {
            super("sum");
        }

        @Override
        public NDArray apply(NDArray x, boolean slice) {
            long channels = x.getShape().get(1);
            NDArray acc = null;
            for (long i = 0; i < channels; i++) {
                long c = slice ? channels - 1 - i : i;
                NDArray plane = x.get(new NDIndex(":, {}:{}, :, :", c, c + 1));
                acc = acc == null ? plane : acc.add(plane);
            }
            return acc;
        }
    }
}
