package dev.halp.partitioner.sim;

import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.LayerTimes;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.plan.Transfer;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.util.MonotoneSearch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a segment plan into the op graph of {@code tasks} frames, all released at time 0, and plays it.
 * Per block: the plan's transfers in list order (each usable once its sender holds the rows: computed
 * them or received them), then every piece's computation on its owner's device once the rows it reads
 * are there. With {@code interiorFirst}, a piece whose input partly comes from elsewhere first computes
 * its interior (output rows whose receptive field its owner already holds) and then its top and bottom
 * borders once the halo has arrived (see {@link #borderMillis} for their cost).
 */
public final class PlanSimulator {

    private record Holding(RowRange rows, int op) { }

    private final Cluster cluster;
    private final boolean interiorFirst;
    private final boolean labels;
    private RowCache cache;
    /** Layer times per participant (host first) for the frame size of {@link #timesFor}. */
    private LayerTimes[] times;
    private ModelSpec timesModel;
    private int timesHeight;
    private int timesWidth;

    public PlanSimulator(Cluster cluster, boolean interiorFirst) {
        this(cluster, interiorFirst, true);
    }

    /** With {@code labels} false ops are unnamed: a planner that simulates hundreds of layouts saves the strings. */
    public PlanSimulator(Cluster cluster, boolean interiorFirst, boolean labels) {
        this.cluster = cluster;
        this.interiorFirst = interiorFirst;
        this.labels = labels;
    }

    public Timeline run(SegmentPlan plan, int tasks) {
        if (plan.secondaries() > cluster.size()) {
            throw new IllegalArgumentException("plan uses " + plan.secondaries() + " secondaries, cluster has " + cluster.size());
        }
        if (cache == null || !cache.serves(plan.model(), plan.height())) {
            cache = RowCache.of(plan.model(), plan.height());
        }
        OpGraph graph = new OpGraph(Resources.count(cluster.size()));
        if (times == null || timesModel != plan.model() || timesHeight != plan.height() || timesWidth != plan.width()) {
            times = new LayerTimes[cluster.size() + 1];
            timesModel = plan.model();
            timesHeight = plan.height();
            timesWidth = plan.width();
        }
        List<List<Transfer>> transfers = new ArrayList<>();
        for (int b = 0; b <= plan.blocks().size(); b++) {
            transfers.add(plan.exchange() == SegmentPlan.Exchange.HALO ? haloTransfers(plan, b) : plan.transfers(b));
        }
        for (int t = 0; t < tasks; t++) {
            addFrame(graph, plan, t, transfers);
        }
        return EventSimulator.run(graph);
    }

    private void addFrame(OpGraph g, SegmentPlan plan, int task, List<List<Transfer>> transfers) {
        ModelSpec model = plan.model();
        int[] channels = model.channels();
        int[] widths = model.widths(plan.width());
        Map<Participant, List<Holding>> held = new HashMap<>();
        // the frame enters through the stream processor too: written out by the split, read in by the host's stage
        double intake = 2 * cluster.exchangeMsPerMb() * plan.height() * widths[0] * channels[0]
                * cluster.frameBytesPerValue() / 1e6;
        int frameOp = intake > 0 ? g.add(task, Resources.device(Participant.HOST), intake, 0,
                labels ? "frame intake" : "") : -1;
        held.put(Participant.HOST, new ArrayList<>(List.of(new Holding(RowRange.of(0, plan.height()), frameOp))));
        int blocks = plan.blocks().size();
        for (int b = 0; b <= blocks; b++) {
            int layer = b < blocks ? plan.blocks().get(b).block().first() : model.features().size();
            long rowBytes = (long) channels[layer] * widths[layer]
                    * (layer == 0 ? cluster.frameBytesPerValue() : cluster.bytesPerValue());
            Map<Participant, List<Holding>> own = new HashMap<>();
            held.forEach((p, list) -> own.put(p, List.copyOf(list)));
            for (Transfer t : transfers.get(b)) {
                int[] deps = deps(held.get(t.from()), t.rows());
                boolean up = t.from().isHost();
                Link link = cluster.network().link(up ? t.to().index() : t.from().index());
                long bytes = rowBytes * t.rows().size();
                String label = labels ? "b" + b + " " + t.from() + "->" + t.to() + " " + t.rows() : "";
                // the sender's device writes the rows out before the link carries them, the receiver's reads them in
                double deviceMs = cluster.exchangeMsPerMb() * bytes / 1e6;
                if (deviceMs > 0) {
                    deps = new int[] {g.add(task, Resources.device(t.from()), deviceMs, 0, label, deps)};
                }
                int op = g.add(task, up ? Resources.HOST_UPLINK : Resources.HOST_DOWNLINK,
                        link.serialisationMillis(bytes), link.latencyMs(), label, deps);
                int arrived = deviceMs > 0 ? g.add(task, Resources.device(t.to()), deviceMs, 0, label, op) : op;
                held.computeIfAbsent(t.to(), k -> new ArrayList<>()).add(new Holding(t.rows(), arrived));
            }
            if (b == blocks) {
                break;
            }
            Map<Participant, List<Holding>> next = new HashMap<>();
            for (Piece piece : computeOrder(plan.blocks().get(b).pieces())) {
                if (piece.rows().isEmpty()) {
                    continue;
                }
                LayerTimes lt = timesOf(piece.owner(), plan);
                int op = addPiece(g, plan, b, piece, task, lt, held.get(piece.owner()),
                        own.getOrDefault(piece.owner(), List.of()));
                next.computeIfAbsent(piece.owner(), k -> new ArrayList<>()).add(new Holding(piece.rows(), op));
            }
            held = next;
        }
    }

    /**
     * {@link SegmentPlan#transfers(int)} of a {@code HALO} plan, derived by the plan itself, with each piece's
     * input rows read from the shared receptive-field tables instead of slice programs (the planner simulates
     * many layouts).
     */
    List<Transfer> haloTransfers(SegmentPlan plan, int b) {
        if (b == plan.blocks().size()) {
            return plan.transfers(b); // the final gather: every secondary's last rows to the host
        }
        BlockRows rf = cache.block(plan.blocks().get(b).block());
        return plan.transfers(b, piece -> rf.need(piece.rows().start(), piece.rows().end()));
    }


    private LayerTimes timesOf(Participant p, SegmentPlan plan) {
        int i = p.isHost() ? 0 : p.index() + 1;
        LayerTimes lt = times[i];
        if (lt == null) {
            lt = cluster.device(p).times(plan.model(), plan.height(), plan.width(), 1);
            times[i] = lt;
        }
        return lt;
    }

    /**
     * Secondaries' pieces in row order, then the host's smallest first: the host's zones between two
     * secondaries are what the secondaries' next halos wait for, its top band is needed last.
     */
    private static List<Piece> computeOrder(List<Piece> pieces) {
        List<Piece> order = new ArrayList<>(pieces);
        order.sort(java.util.Comparator.comparing((Piece p) -> p.isZone())
                .thenComparingInt(p -> p.isZone() ? p.rows().size() : 0));
        return order;
    }

    /** Adds a piece's computation (interior, then borders, when that applies); returns its last op. */
    private int addPiece(OpGraph g, SegmentPlan plan, int b, Piece piece, int task, LayerTimes lt,
                         List<Holding> all, List<Holding> own) {
        int device = Resources.device(piece.owner());
        String label = labels ? "b" + b + " " + piece : "";
        FusedBlock block = plan.blocks().get(b).block();
        BlockRows rows = cache.block(block);
        RowRange need = rows.need(piece.rows().start(), piece.rows().end());
        double whole = rows.millis(lt, piece.rows().start(), piece.rows().end());
        RowRange interior = interiorFirst ? interior(rows, piece.rows(), own) : piece.rows();
        if (interior.isEmpty() || interior.equals(piece.rows())) {
            return g.add(task, device, whole, 0, label, deps(all, need));
        }
        int first = g.add(task, device, rows.millis(lt, interior.start(), interior.end()), 0,
                labels ? label + " interior " + interior : "", deps(own, rows.need(interior.start(), interior.end())));
        int[] rest = deps(all, need);
        int[] withFirst = java.util.Arrays.copyOf(rest, rest.length + 1);
        withFirst[rest.length] = first;
        int borders = g.add(task, device, rows.borderMillis(lt, piece.rows().start(), piece.rows().end(),
                interior.start(), interior.end()), 0, labels ? label + " borders" : "", withFirst);
        g.split(first, borders, whole);
        return borders;
    }

    /** The largest run of a piece's rows computable from rows the owner holds itself. */
    private static RowRange interior(BlockRows block, RowRange rows, List<Holding> own) {
        RowRange best = RowRange.EMPTY;
        for (Holding h : own) {
            // first row whose need starts inside h, first row whose need ends beyond h (needs are monotone)
            int a = MonotoneSearch.first(rows.start(), rows.end(), r -> block.needStart(r) >= h.rows().start());
            int e = MonotoneSearch.first(rows.start(), rows.end(), r -> block.needEnd(r + 1) > h.rows().end());
            RowRange r = a < e ? RowRange.of(a, e) : RowRange.EMPTY;
            if (r.size() > best.size()) {
                best = r;
            }
        }
        return best;
    }


    private static final int[] NONE = new int[0];

    private static int[] deps(List<Holding> holdings, RowRange rows) {
        if (holdings == null) {
            return NONE;
        }
        int[] out = new int[holdings.size()];
        int n = 0;
        for (Holding h : holdings) {
            if (h.op() >= 0 && h.rows().overlaps(rows)) {
                boolean dup = false;
                for (int i = 0; i < n && !dup; i++) {
                    dup = out[i] == h.op();
                }
                if (!dup) {
                    out[n++] = h.op();
                }
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
