package dev.halp.partitioner.graph;

import dev.halp.partitioner.rf.RowRange;

/**
 * The rows every node must compute so that one node outputs a given range of rows, back through the graph
 * from that node to a cut (or the frame). A node read by several others (a branch point) computes the
 * union of what each of them needs; where that union has gaps (a 1x1, stride-2 shortcut reads every other
 * row) the node computes the rows in between too: one contiguous slice per node, the smallest that holds
 * every row needed.
 */
public final class GraphReceptiveField {

    private GraphReceptiveField() {
    }

    /**
     * What nodes {@code (from, to]} compute for rows {@code out} of node {@code to}, and which rows of node
     * {@code from}'s output ({@code from} -1: the frame) they read.
     *
     * @param heights the nodes' output heights ({@link GraphSpec#heights})
     * @param inputHeight the height of the frame
     */
    public static Needs needed(GraphSpec g, int[] heights, int inputHeight, int from, int to, RowRange out) {
        if (from < -1 || to >= g.nodes().size() || from >= to) {
            throw new IllegalArgumentException("bad node run (" + from + ", " + to + "]");
        }
        RowRange[] rows = new RowRange[g.nodes().size()];
        RowRange source = null;
        rows[to] = out;
        for (int i = to; i > from; i--) {
            if (rows[i] == null || rows[i].isEmpty()) {
                continue;
            }
            GraphNode n = g.nodes().get(i);
            for (int j : g.inputsOf(i)) {
                if (j < from) {
                    throw new IllegalArgumentException(n.name() + " reads across the cut after node " + from);
                }
                int inH = j < 0 ? inputHeight : heights[j];
                RowRange want;
                if (n.isAdd()) {
                    want = rows[i];
                } else {
                    want = n.layer().inputWindow(rows[i]).clip(inH);
                }
                if (j == from) {
                    source = hull(source, want);
                } else {
                    rows[j] = hull(rows[j], want);
                }
            }
        }
        return new Needs(rows, source == null ? RowRange.EMPTY : source);
    }

    private static RowRange hull(RowRange a, RowRange b) {
        if (a == null || a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return new RowRange(Math.min(a.start(), b.start()), Math.max(a.end(), b.end()));
    }

    /** Per node, the output rows it computes (null or empty: none); {@code source}: the rows read at the cut. */
    public record Needs(RowRange[] rows, RowRange source) {

        public RowRange of(int node) {
            return rows[node] == null ? RowRange.EMPTY : rows[node];
        }
    }
}
