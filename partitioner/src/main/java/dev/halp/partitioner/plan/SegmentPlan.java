package dev.halp.partitioner.plan;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who computes which rows of every fused block of one model at one frame size, and therefore which rows
 * move between the host and the secondaries. Immutable; {@link #validate()} checks the HALP rules.
 */
public final class SegmentPlan {

    /**
     * How rows move between blocks. {@code HALO}: HALP's exchange, a secondary keeps its rows and receives
     * only the missing halo rows (from the host's zones). {@code VIA_HOST}: MoDNN's exchange, every
     * secondary's output is gathered on the host after each block and the host scatters each piece's
     * missing input rows, so secondaries may need rows another secondary computed (relayed by the host).
     */
    public enum Exchange { HALO, VIA_HOST }

    private final ModelSpec model;
    private final int height;
    private final int width;
    private final int secondaries;
    private final List<BlockPlan> blocks;
    private final int[] heights;
    private final Exchange exchange;

    public SegmentPlan(ModelSpec model, int height, int width, int secondaries, List<BlockPlan> blocks) {
        this(model, height, width, secondaries, blocks, Exchange.HALO);
    }

    public SegmentPlan(ModelSpec model, int height, int width, int secondaries, List<BlockPlan> blocks,
                       Exchange exchange) {
        this.exchange = java.util.Objects.requireNonNull(exchange, "exchange");
        this.model = model;
        this.height = height;
        this.width = width;
        this.secondaries = secondaries;
        this.blocks = List.copyOf(blocks);
        this.heights = model.heights(height);
        model.widths(width); // rejects widths that are too small
        if (secondaries < 0) {
            throw new IllegalArgumentException("secondaries must be >= 0");
        }
    }

    public ModelSpec model() {
        return model;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int secondaries() {
        return secondaries;
    }

    public List<BlockPlan> blocks() {
        return blocks;
    }

    public Exchange exchange() {
        return exchange;
    }

    /** Input height of every feature layer plus the final feature height. */
    public int[] layerHeights() {
        return heights.clone();
    }

    /** Rows of block {@code b}'s input (the frame for block 0). */
    public int inputHeight(int b) {
        return heights[blocks.get(b).block().first()];
    }

    /** Rows of block {@code b}'s output. */
    public int outputHeight(int b) {
        return heights[blocks.get(b).block().last()];
    }

    /** The layer-by-layer program that computes a piece of block {@code b}. */
    public List<LayerStep> program(int b, Piece piece) {
        FusedBlock fb = blocks.get(b).block();
        return ReceptiveField.program(model, heights, fb.first(), fb.last(), piece.rows());
    }

    /** The rows of block {@code b}'s input that a piece needs. */
    public RowRange inputRows(int b, Piece piece) {
        return program(b, piece).get(0).inputRows();
    }

    /** Rows a participant holds before block {@code b} runs: the frame (host, block 0) or its previous output. */
    public List<RowRange> heldBefore(int b, Participant p) {
        if (b == 0) {
            return p.isHost() ? List.of(RowRange.of(0, height)) : List.of();
        }
        List<RowRange> held = new ArrayList<>();
        for (Piece piece : blocks.get(b - 1).pieces()) {
            if (piece.owner().equals(p) && !piece.rows().isEmpty()) {
                held.add(piece.rows());
            }
        }
        return held;
    }

    /**
     * Rows that must move before block {@code b} runs, or with {@code b == blocks().size()} the final
     * gather of every secondary's last rows on the host. Transfers from one sender to one receiver are
     * merged into the fewest contiguous ranges. In {@link Exchange#VIA_HOST} mode a block {@code b > 0}
     * first gathers every secondary's block {@code b-1} rows on the host, then the host sends each
     * secondary the input rows it lacks; transfers must be applied in list order.
     */
    public List<Transfer> transfers(int b) {
        return transfers(b, piece -> inputRows(b, piece));
    }

    /**
     * {@link #transfers(int)} with the input rows of each piece given by {@code inputRowsOf} (the same rows
     * {@link #inputRows} derives; a planner that simulates many layouts reads them from tables).
     */
    public List<Transfer> transfers(int b, java.util.function.Function<Piece, RowRange> inputRowsOf) {
        if (exchange == Exchange.VIA_HOST && b > 0 && b < blocks.size()) {
            return viaHost(b);
        }
        if (b == blocks.size()) {
            List<Transfer> gather = new ArrayList<>();
            for (Piece piece : blocks.get(b - 1).pieces()) {
                if (!piece.isZone() && !piece.rows().isEmpty()) {
                    gather.add(new Transfer(b, piece.owner(), Participant.HOST, piece.rows()));
                }
            }
            return gather;
        }
        Map<Participant, List<RowRange>> needs = new TreeMap<>();
        for (Piece piece : blocks.get(b).pieces()) {
            RowRange in = piece.rows().isEmpty() ? RowRange.EMPTY : inputRowsOf.apply(piece);
            if (!in.isEmpty()) {
                needs.computeIfAbsent(piece.owner(), k -> new ArrayList<>()).add(in);
            }
        }
        List<Transfer> out = new ArrayList<>();
        for (Map.Entry<Participant, List<RowRange>> e : needs.entrySet()) {
            Participant to = e.getKey();
            for (RowRange missing : RowRanges.subtract(RowRanges.union(e.getValue()), heldBefore(b, to))) {
                if (b == 0) {
                    out.add(new Transfer(0, Participant.HOST, to, missing));
                    continue;
                }
                for (Piece source : blocks.get(b - 1).pieces()) {
                    RowRange part = source.rows().intersect(missing);
                    if (!part.isEmpty()) {
                        out.add(new Transfer(b, source.owner(), to, part));
                    }
                }
            }
        }
        return RowRanges.mergeTransfers(out);
    }

    /** MoDNN's exchange: gather everything on the host, then scatter what each secondary lacks. */
    private List<Transfer> viaHost(int b) {
        List<Transfer> out = new ArrayList<>();
        for (Piece source : blocks.get(b - 1).pieces()) {
            if (!source.isZone() && !source.rows().isEmpty()) {
                out.add(new Transfer(b, source.owner(), Participant.HOST, source.rows()));
            }
        }
        Map<Participant, List<RowRange>> needs = new TreeMap<>();
        for (Piece piece : blocks.get(b).pieces()) {
            RowRange in = piece.isZone() || piece.rows().isEmpty() ? RowRange.EMPTY : inputRows(b, piece);
            if (!in.isEmpty()) {
                needs.computeIfAbsent(piece.owner(), k -> new ArrayList<>()).add(in);
            }
        }
        List<Transfer> scatter = new ArrayList<>();
        needs.forEach((to, ranges) -> {
            for (RowRange missing : RowRanges.subtract(RowRanges.union(ranges), heldBefore(b, to))) {
                scatter.add(new Transfer(b, Participant.HOST, to, missing));
            }
        });
        out = RowRanges.mergeTransfers(out);
        out.addAll(RowRanges.mergeTransfers(scatter));
        return out;
    }

    /** Throws {@link IllegalArgumentException} naming the first broken rule. */
    public SegmentPlan validate() {
        List<String> problems = PlanValidator.problems(this);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid plan: " + String.join("; ", problems));
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(model.name() + " " + height + "x" + width + ", " + secondaries
                + " secondaries" + (exchange == Exchange.VIA_HOST ? ", exchange via host" : ""));
        for (int b = 0; b < blocks.size(); b++) {
            sb.append("\n  block ").append(b).append(" (").append(blocks.get(b).block()).append("): ")
                    .append(blocks.get(b).pieces());
        }
        return sb.toString();
    }
}
