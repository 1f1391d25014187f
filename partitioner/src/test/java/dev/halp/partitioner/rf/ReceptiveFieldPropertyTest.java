package dev.halp.partitioner.rf;

import dev.halp.partitioner.RandomStacks;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mapped input range of an output row range equals the rows found by brute-force enumeration of every
 * kernel tap, layer by layer: it spans every tap (sufficient) and starts and ends at a tap (minimal for a
 * contiguous slice). Border padding equals the taps that fall outside the frame.
 */
class ReceptiveFieldPropertyTest {

    private static final int CASES = 2000;

    @Test
    void mappedRangesEqualBruteForceDependencies() {
        Random rnd = new Random(20221);
        int checked = 0;
        while (checked < CASES) {
            long seed = rnd.nextLong();
            Random r = new Random(seed);
            ModelSpec model = RandomStacks.stack(r, 6);
            int height = 1 + r.nextInt(300);
            if (!model.fits(height)) {
                continue;
            }
            int[] heights = model.heights(height);
            int layers = model.features().size();
            int first = r.nextInt(layers);
            int last = first + 1 + r.nextInt(layers - first);
            int outH = heights[last];
            int a = r.nextInt(outH);
            int b = a + 1 + r.nextInt(outH - a);
            List<LayerStep> steps = ReceptiveField.program(model, heights, first, last, RowRange.of(a, b));
            assertEquals(last - first, steps.size());

            TreeSet<Integer> rows = new TreeSet<>();
            for (int o = a; o < b; o++) {
                rows.add(o);
            }
            for (int l = last - 1; l >= first; l--) {
                LayerStep step = steps.get(l - first);
                String where = "seed " + seed + " layer " + l + " " + model.features().get(l);
                assertEquals(RowRange.of(rows.first(), rows.last() + 1), step.outputRows(), where);
                LayerSpec layer = model.features().get(l);
                TreeSet<Integer> taps = new TreeSet<>();
                for (int o : rows) {
                    for (int j = 0; j < layer.kernel(); j++) {
                        taps.add(o * layer.stride() - layer.padding() + j * layer.dilation());
                    }
                }
                int inH = heights[l];
                int lo = taps.first();
                int hi = taps.last() + 1;
                // a contiguous slice must physically span every tap, also those skipped by dilation
                RowRange hull = RowRange.of(Math.max(0, lo), Math.min(inH, hi));
                assertTrue(!hull.isEmpty(), where + ": no input row in the window");
                assertEquals(hull, step.inputRows(), where);
                assertTrue(taps.first() == lo && taps.contains(hi - 1), where + " window ends are taps (minimal)");
                assertEquals(Math.max(0, -lo), step.padTop(), where + " padTop");
                assertEquals(Math.max(0, hi - inH), step.padBottom(), where + " padBottom");
                // a slice of padTop + rows + padBottom run without height padding yields exactly the output rows
                int sliceRows = step.padTop() + step.inputRows().size() + step.padBottom();
                int produced = (sliceRows - layer.dilation() * (layer.kernel() - 1) - 1) / layer.stride() + 1;
                assertEquals(step.outputRows().size(), produced, where + " slice output rows");
                rows = new TreeSet<>();
                for (int row = hull.start(); row < hull.end(); row++) {
                    rows.add(row);
                }
            }
            checked++;
        }
    }
}
