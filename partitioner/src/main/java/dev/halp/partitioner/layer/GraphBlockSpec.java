package dev.halp.partitioner.layer;

import dev.halp.partitioner.graph.GraphNode;
import dev.halp.partitioner.graph.GraphReceptiveField;
import dev.halp.partitioner.graph.GraphSpec;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.rf.RowWindow;

/**
 * The part of a feature graph between two cuts (a residual block: branches that split after one cut and
 * join before the next), seen from outside as one layer. Its receptive field is the union over its
 * branches, which for every block of a ResNet is the window of one kernel, stride and padding (the longer
 * branch's, composed along it); a block whose union is not such a window is refused. A slice of it runs node
 * by node, each node on the rows {@link dev.halp.partitioner.graph.GraphReceptiveField} names and padded only
 * at the frame border, so it equals the whole frame exactly.
 *
 * <p>{@code graph}'s node names are relative to {@code name} ({@code conv1} in block {@code layer1.0}); its
 * first nodes read {@link GraphNode#INPUT}, the block's input.
 */
public record GraphBlockSpec(String name, GraphSpec graph, int kernel, int stride, int padding) implements LayerSpec {

    public GraphBlockSpec {
        if (kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("bad block " + name);
        }
    }

    /** The block with the kernel, stride and padding of its receptive field. */
    public static GraphBlockSpec of(String name, GraphSpec graph) {
        RowWindow first = window(graph, RowRange.of(0, 1));
        RowWindow second = window(graph, RowRange.of(1, 2));
        int stride = second.lo() - first.lo();
        int padding = -first.lo();
        int kernel = first.hi() - first.lo();
        if (stride <= 0 || padding < 0 || second.hi() - second.lo() != kernel) {
            throw new IllegalArgumentException(name + ": the branches' receptive field is not a convolution window");
        }
        GraphBlockSpec block = new GraphBlockSpec(name, graph, kernel, stride, padding);
        for (RowRange out : new RowRange[] {RowRange.of(0, 5), RowRange.of(3, 4), RowRange.of(7, 20)}) {
            RowWindow w = window(graph, out);
            if (!w.equals(block.inputWindow(out))) {
                throw new IllegalArgumentException(name + ": the branches' receptive field for rows " + out + " is ["
                        + w.lo() + ", " + w.hi() + "), not the window of one kernel");
            }
        }
        return block;
    }

    /** Output rows are shifted this far down while windows are composed, so no intermediate row is negative. */
    private static final int SHIFT = 1 << 12;

    /**
     * The input rows output rows {@code out} read, before clipping: the hull over every branch, from
     * {@link GraphReceptiveField} on rows shifted so far down, in a frame so tall, that nothing is clipped.
     */
    static RowWindow window(GraphSpec g, RowRange out) {
        int[] unbounded = new int[g.nodes().size()];
        java.util.Arrays.fill(unbounded, Integer.MAX_VALUE / 2);
        RowRange source = GraphReceptiveField.needed(g, unbounded, Integer.MAX_VALUE / 2, -1, unbounded.length - 1,
                RowRange.of(out.start() + SHIFT, out.end() + SHIFT)).source();
        // one output row later moves the window by the block's stride: so does the shift
        int shift = SHIFT * strides(g)[unbounded.length - 1];
        return new RowWindow(source.start() - shift, source.end() - shift);
    }

    /** Each node's stride from the block's input (along its first input; a sum's inputs agree). */
    private static int[] strides(GraphSpec g) {
        int[] s = new int[g.nodes().size()];
        for (int i = 0; i < s.length; i++) {
            int j = g.inputsOf(i)[0];
            GraphNode node = g.nodes().get(i);
            s[i] = (j < 0 ? 1 : s[j]) * (node.isAdd() ? 1 : node.layer().stride());
        }
        return s;
    }

    @Override
    public int dilation() {
        return 1;
    }

    /** Every node pads itself at the frame border; the block adds no rows of its own. */
    @Override
    public BorderFill borderFill() {
        return BorderFill.NONE;
    }

    @Override
    public int outChannels(int in) {
        int[] c = channels(in);
        return c[c.length - 1];
    }

    /** Channels of every node's output for {@code in} channels entering the block. */
    public int[] channels(int in) {
        if (in != graph.inChannels()) {
            throw new IllegalArgumentException(name + " expects " + graph.inChannels() + " channels, got " + in);
        }
        int[] c = forward(in, LayerSpec::outChannels);
        if (c == null) {
            throw new IllegalArgumentException(name + " sums unequal channel counts");
        }
        return c;
    }

    /**
     * One number per node, forward from the block's {@code input}: {@code step} for a layer, its inputs' common
     * value for a sum; null where a sum's inputs differ.
     */
    private int[] forward(int input, java.util.function.ToIntBiFunction<LayerSpec, Integer> step) {
        int n = graph.nodes().size();
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            int[] inputs = graph.inputsOf(i);
            int first = inputs[0] < 0 ? input : v[inputs[0]];
            GraphNode node = graph.nodes().get(i);
            if (!node.isAdd()) {
                v[i] = step.applyAsInt(node.layer(), first);
                continue;
            }
            for (int j : inputs) {
                if ((j < 0 ? input : v[j]) != first) {
                    return null;
                }
            }
            v[i] = first;
        }
        return v;
    }

    /**
     * Multiply-accumulates per output element summed over the nodes: each node's work scaled by its
     * outputs per block output (channels, and rows times columns by the strides still to come).
     */
    @Override
    public double macsPerOutput(int in) {
        int[] c = channels(in);
        double[] scale = pixelsPerOutput();
        double macs = 0;
        for (int i = 0; i < c.length; i++) {
            GraphNode node = graph.nodes().get(i);
            int[] inputs = graph.inputsOf(i);
            int nodeIn = inputs[0] < 0 ? in : c[inputs[0]];
            double perOutput = node.isAdd() ? inputs.length - 1 : node.layer().macsPerOutput(nodeIn);
            macs += perOutput * c[i] * scale[i];
        }
        return macs / c[c.length - 1];
    }

    /** Each node's output pixels per pixel of the block's output (1 for nodes after the stride). */
    public double[] pixelsPerOutput() {
        int[] stride = strides(graph);
        double[] scale = new double[stride.length];
        for (int i = 0; i < stride.length; i++) {
            double r = (double) stride[stride.length - 1] / stride[i];
            scale[i] = r * r;
        }
        return scale;
    }

    @Override
    public boolean isElementwise() {
        return false;
    }

    /** The rows every node yields from {@code inputSize} rows; 0 where a node yields none or a sum's inputs differ. */
    @Override
    public int outputSize(int inputSize) {
        int[] h = forward(inputSize, (layer, rows) -> rows <= 0 ? 0 : layer.outputSize(rows));
        return h == null || java.util.Arrays.stream(h).anyMatch(r -> r <= 0) ? 0 : h[h.length - 1];
    }
}
