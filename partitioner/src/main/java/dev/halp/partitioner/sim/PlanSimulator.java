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
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;

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
            cache = new RowCache(plan.model(), plan.height());
        }
        OpGraph graph = new OpGraph(Resources.count(cluster.size()));
        Map<Participant, LayerTimes> times = new HashMap<>();
        List<List<Transfer>> transfers = new ArrayList<>();
        for (int b = 0; b <= plan.blocks().size(); b++) {
            transfers.add(plan.transfers(b));
        }
        for (int t = 0; t < tasks; t++) {
            addFrame(graph, plan, t, times, transfers);
        }
        return EventSimulator.run(graph);
    }

    private void addFrame(OpGraph g, SegmentPlan plan, int task, Map<Participant, LayerTimes> times,
                          List<List<Transfer>> transfers) {
        ModelSpec model = plan.model();
        int[] channels = model.channels();
        int[] widths = model.widths(plan.width());
        Map<Participant, List<Holding>> held = new HashMap<>();
        held.put(Participant.HOST, new ArrayList<>(List.of(new Holding(RowRange.of(0, plan.height()), -1))));
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
                int op = g.add(task, up ? Resources.HOST_UPLINK : Resources.HOST_DOWNLINK,
                        link.serialisationMillis(rowBytes * t.rows().size()), link.latencyMs(),
                        labels ? "b" + b + " " + t.from() + "->" + t.to() + " " + t.rows() : "", deps);
                held.computeIfAbsent(t.to(), k -> new ArrayList<>()).add(new Holding(t.rows(), op));
            }
            if (b == blocks) {
                break;
            }
            Map<Participant, List<Holding>> next = new HashMap<>();
            for (Piece piece : computeOrder(plan.blocks().get(b).pieces())) {
                if (piece.rows().isEmpty()) {
                    continue;
                }
                LayerTimes lt = times.computeIfAbsent(piece.owner(), p -> cluster.device(p)
                        .times(model, plan.height(), plan.width(), 1));
                int op = addPiece(g, plan, b, piece, task, lt, held.get(piece.owner()),
                        own.getOrDefault(piece.owner(), List.of()));
                next.computeIfAbsent(piece.owner(), k -> new ArrayList<>()).add(new Holding(piece.rows(), op));
            }
            held = next;
        }
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
        RowRange need = cache.need(block, piece.rows());
        List<LayerStep> whole = cache.program(block, piece.rows());
        RowRange interior = interiorFirst ? interior(block, piece.rows(), own) : piece.rows();
        if (interior.isEmpty() || interior.equals(piece.rows())) {
            return g.add(task, device, lt.millis(whole), 0, label, deps(all, need));
        }
        List<LayerStep> inner = cache.program(block, interior);
        int first = g.add(task, device, lt.millis(inner), 0, labels ? label + " interior " + interior : "",
                deps(own, cache.need(block, interior)));
        int[] rest = deps(all, need);
        int[] withFirst = java.util.Arrays.copyOf(rest, rest.length + 1);
        withFirst[rest.length] = first;
        return g.add(task, device, borderMillis(lt, whole, inner), 0, labels ? label + " borders" : "", withFirst);
    }

    /**
     * The border pass reuses the rows the interior pass computed in every layer: it computes, per layer, only
     * the rows the interior did not, and pays each layer's fixed cost again (approximated by the layer's
     * time on one row).
     */
    static double borderMillis(LayerTimes lt, List<LayerStep> whole, List<LayerStep> interior) {
        double sum = 0;
        for (int i = 0; i < whole.size(); i++) {
            LayerStep w = whole.get(i);
            LayerStep in = interior.get(i);
            double extra = lt.millis(w.layer(), w.paddedRows()) - lt.millis(in.layer(), in.paddedRows());
            sum += Math.max(0, extra) + lt.millis(w.layer(), 1);
        }
        return sum;
    }

    /** The largest run of a piece's rows computable from rows the owner holds itself. */
    private RowRange interior(FusedBlock block, RowRange rows, List<Holding> own) {
        RowRange best = RowRange.EMPTY;
        for (Holding h : own) {
            // first row whose need starts inside h, first row whose need ends beyond h (needs are monotone)
            int a = search(rows.start(), rows.end(), r -> cache.need(block, RowRange.of(r, r + 1)).start() >= h.rows().start());
            int e = search(rows.start(), rows.end(), r -> cache.need(block, RowRange.of(r, r + 1)).end() > h.rows().end());
            RowRange r = a < e ? RowRange.of(a, e) : RowRange.EMPTY;
            if (r.size() > best.size()) {
                best = r;
            }
        }
        return best;
    }

    /** The first row in {@code [lo, hi)} where a monotone predicate holds, or {@code hi}. */
    private static int search(int lo, int hi, java.util.function.IntPredicate p) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.test(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int[] deps(List<Holding> holdings, RowRange rows) {
        if (holdings == null) {
            return new int[0];
        }
        return holdings.stream().filter(h -> h.op() >= 0 && h.rows().overlaps(rows)).mapToInt(Holding::op)
                .distinct().toArray();
    }
}
