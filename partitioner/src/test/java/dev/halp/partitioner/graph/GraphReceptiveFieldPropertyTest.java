package dev.halp.partitioner.graph;

import dev.halp.partitioner.RandomGraphs;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receptive fields through random residual graphs (random kernels, strides, paddings and dilations on both
 * branches of every block), checked two independent ways: against brute-force enumeration of which rows each
 * row reads, and by a 1-D reference executor that computes only the rows the receptive field names, reading
 * nothing else, and must agree with the whole computation.
 */
class GraphReceptiveFieldPropertyTest {

    @Test
    void randomResidualGraphsNeedExactlyTheRowsTheirRowsReadAndASliceComputesTheSameValues() {
        SplittableRandom random = new SplittableRandom(2026);
        int checked = 0;
        for (int trial = 0; trial < 300; trial++) {
            GraphSpec g = RandomGraphs.residual(random);
            int inputHeight = random.nextInt(24, 90);
            int[] heights;
            try {
                heights = g.heights(inputHeight);
            } catch (IllegalArgumentException sumsDisagree) {
                continue; // branches that agree on one height may not on another
            }
            if (java.util.Arrays.stream(heights).anyMatch(h -> h <= 0)) {
                continue;
            }
            List<Integer> cuts = new ArrayList<>(g.cutPoints());
            cuts.add(0, -1);
            int a = random.nextInt(cuts.size() - 1);
            int b = random.nextInt(a + 1, cuts.size());
            int from = cuts.get(a);
            int to = cuts.get(b);
            int start = random.nextInt(heights[to]);
            RowRange out = RowRange.of(start, random.nextInt(start + 1, heights[to] + 1));
            GraphReceptiveField.Needs needs = GraphReceptiveField.needed(g, heights, inputHeight, from, to, out);
            BitSet[] read = readByComputedRows(g, heights, inputHeight, from, to, needs);
            for (int i = from + 1; i < to; i++) {
                assertTight(read[i], needs.of(i), heights[i], g.nodes().get(i).name(), g);
            }
            assertTight(read[read.length - 1], needs.source(), from < 0 ? inputHeight : heights[from], "the cut", g);
            sliceAgreesWithWhole(g, heights, inputHeight, from, to, out, needs, random.nextLong());
            checked++;
        }
        assertTrue(checked > 150, "graphs checked: " + checked);
    }

    /**
     * By enumeration, every row of each node that the rows computed by its readers read (each reader's taps,
     * inside the frame); the last entry is the cut's.
     */
    static BitSet[] readByComputedRows(GraphSpec g, int[] heights, int inputHeight, int from, int to,
                                       GraphReceptiveField.Needs needs) {
        BitSet[] read = new BitSet[g.nodes().size() + 1];
        for (int i = 0; i < read.length; i++) {
            read[i] = new BitSet();
        }
        for (int i = to; i > from; i--) {
            GraphNode n = g.nodes().get(i);
            RowRange computed = needs.of(i);
            for (int j : g.inputsOf(i)) {
                BitSet target = j == from ? read[read.length - 1] : read[j];
                int inH = j < 0 ? inputHeight : heights[j];
                for (int r = computed.start(); r < computed.end(); r++) {
                    if (n.isAdd()) {
                        target.set(r);
                        continue;
                    }
                    LayerSpec l = n.layer();
                    for (int k = 0; k < l.kernel(); k++) {
                        int row = r * l.stride() - l.padding() + l.dilation() * k;
                        if (row >= 0 && row < inH) {
                            target.set(row);
                        }
                    }
                }
            }
        }
        return read;
    }

    /**
     * The rows a node computes are the hull of the rows read from it, except that a dilated kernel whose last
     * (first) tap falls beyond the frame's border reads the window up to the border: the slice runs with
     * border padding there, as the chain code does.
     */
    private static void assertTight(BitSet read, RowRange computed, int height, String node, GraphSpec g) {
        RowRange hull = hull(read);
        String what = node + ": computes " + computed + ", its readers read " + hull + " of " + height + " rows, in "
                + describe(g);
        assertTrue(hull.isEmpty() || computed.start() <= hull.start() && computed.end() >= hull.end(), what);
        if (!hull.isEmpty()) {
            assertTrue(computed.start() == hull.start() || computed.start() == 0, what);
            assertTrue(computed.end() == hull.end() || computed.end() == height, what);
        }
    }

    /** A 1-D network: each layer a weighted sum over its kernel (0 beyond the border), sums add, all in longs. */
    static void sliceAgreesWithWhole(GraphSpec g, int[] heights, int inputHeight, int from, int to, RowRange out,
                                     GraphReceptiveField.Needs needs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int sourceHeight = from < 0 ? inputHeight : heights[from];
        long[] source = random.longs(sourceHeight).toArray();
        long[][] weights = new long[g.nodes().size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.longs(g.nodes().get(i).isAdd() ? 0 : g.nodes().get(i).layer().kernel(), 1, 7).toArray();
        }
        long[][] whole = new long[g.nodes().size()][];
        long[][] slice = new long[g.nodes().size()][];
        RowRange[] have = new RowRange[g.nodes().size()];
        for (int i = from + 1; i <= to; i++) {
            whole[i] = new long[heights[i]];
            slice[i] = new long[heights[i]];
            have[i] = needs.of(i);
            for (int r = 0; r < heights[i]; r++) {
                whole[i][r] = value(g, i, r, weights[i], j -> j == from ? source : whole[j], j -> null, heights, inputHeight);
                if (have[i].contains(r)) {
                    slice[i][r] = value(g, i, r, weights[i], j -> j == from ? source : slice[j],
                            j -> j == from ? needs.source() : have[j], heights, inputHeight);
                }
            }
        }
        for (int r = out.start(); r < out.end(); r++) {
            assertEquals(whole[to][r], slice[to][r], "row " + r + " of " + g.nodes().get(to).name());
        }
    }

    private static long value(GraphSpec g, int i, int r, long[] w, java.util.function.IntFunction<long[]> input,
                              java.util.function.IntFunction<RowRange> held, int[] heights, int inputHeight) {
        GraphNode n = g.nodes().get(i);
        long v = 0;
        for (int j : g.inputsOf(i)) {
            long[] in = input.apply(j);
            RowRange h = held.apply(j);
            if (n.isAdd()) {
                assertTrue(h == null || h.contains(r), n.name() + " reads row " + r + " that was not computed: " + h);
                v += in[r];
                continue;
            }
            LayerSpec l = n.layer();
            int inH = j < 0 ? inputHeight : heights[j];
            for (int k = 0; k < l.kernel(); k++) {
                int row = r * l.stride() - l.padding() + l.dilation() * k;
                if (row >= 0 && row < inH) {
                    assertTrue(h == null || h.contains(row), n.name() + " reads row " + row + " outside " + h);
                    v += w[k] * in[row];
                }
            }
        }
        return v * 31 + i;
    }

    private static RowRange hull(BitSet rows) {
        return rows.isEmpty() ? RowRange.EMPTY : RowRange.of(rows.nextSetBit(0), rows.length());
    }

    private static String describe(GraphSpec g) {
        StringBuilder s = new StringBuilder();
        for (GraphNode n : g.nodes()) {
            s.append(n.name()).append(n.isAdd() ? "=sum" + n.inputs() : "(k" + n.layer().kernel() + " s" + n.layer().stride()
                    + " p" + n.layer().padding() + " d" + n.layer().dilation() + ")<-" + n.inputs().get(0)).append("; ");
        }
        return s.toString();
    }
}
