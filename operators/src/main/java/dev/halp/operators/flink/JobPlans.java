package dev.halp.operators.flink;

import dev.halp.partitioner.util.BoundedCache;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.ProportionalSplit;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.scheme.LocalScheme;
import dev.halp.partitioner.scheme.ModnnScheme;
import dev.halp.partitioner.scheme.Workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds and caches the segment plan a {@link PlanSpec} names: at most {@value #MAX_PLANS} plans per operator
 * (frame sizes and re-planned shares are unbounded over a job's life; a dropped plan is built again).
 */
public final class JobPlans {

    /** {@code auto} chooses Local or HALP per frame on HALP's job graph (see {@code PlanChooser}). */
    public static final List<String> SCHEMES = List.of("local", "modnn", "halp", "auto");

    /** Plans kept per operator. */
    public static final int MAX_PLANS = 64;

    private final BoundedCache<PlanSpec, SegmentPlan> cache = new BoundedCache<>("plans", MAX_PLANS);

    public SegmentPlan plan(PlanSpec spec) {
        return cache.get(spec, JobPlans::build);
    }

    /** Plans held now (at most {@link #MAX_PLANS}). */
    int cached() {
        return cache.size();
    }

    /**
     * A spec with equal weights: HALP cuts the model per stage; Local runs the whole stack as one block on
     * the host (no exchange at all, so its frames cross no more hops than needed).
     */
    public static PlanSpec defaultSpec(String scheme, String model, int height, int width, int secondaries) {
        if (scheme.equals("auto")) {
            scheme = "halp"; // auto's first frames, before anything is measured
        }
        ModelSpec m = Models.byName(model);
        List<FusedBlock> blocks = blocksOf(scheme, m);
        int[] ends = blocks.stream().limit(blocks.size() - 1).mapToInt(FusedBlock::last).toArray();
        // MoDNN's shares include the host's (first); HALP's are the secondaries'
        double[] weights = new double[scheme.equals("modnn") ? secondaries + 1 : Math.max(1, secondaries)];
        Arrays.fill(weights, 1.0);
        return new PlanSpec(scheme, model, height, width, secondaries, ends, weights);
    }

    /** The fused blocks a scheme uses by default: the job graph has one stage per block. */
    public static List<FusedBlock> blocksOf(String scheme, ModelSpec m) {
        return switch (scheme) {
            case "local" -> FusedBlocks.whole(m);
            case "modnn" -> FusedBlocks.perLayer(m);
            default -> FusedBlocks.perStage(m);
        };
    }

    static SegmentPlan build(PlanSpec spec) {
        ModelSpec model = Models.byName(spec.model);
        List<FusedBlock> blocks = FusedBlocks.fromEnds(model, Arrays.stream(spec.blockEnds).boxed().toList());
        if (spec.pieceOwners != null) {
            return explicit(spec, model, blocks);
        }
        return switch (spec.scheme) {
            case "local" -> LocalScheme.localPlan(model, spec.height, spec.width, 0, blocks);
            case "halp" -> ProportionalSplit.plan(model, spec.height, spec.width, blocks, spec.weights);
            case "modnn" -> ModnnScheme.proportional(Workload.single(model, spec.height, spec.width),
                    spec.secondaries, spec.weights);
            default -> throw new IllegalArgumentException("unknown scheme '" + spec.scheme + "' (known: " + SCHEMES + ")");
        };
    }

    /** The layout a spec carries (see {@link PlanSpec#of}). */
    private static SegmentPlan explicit(PlanSpec spec, ModelSpec model, List<FusedBlock> blocks) {
        List<BlockPlan> plans = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            List<Piece> pieces = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < spec.pieceOwners[b].length; i++) {
                int end = spec.pieceEnds[b][i];
                pieces.add(new Piece(Participants.of(spec.pieceOwners[b][i]), RowRange.of(start, end)));
                start = end;
            }
            plans.add(new BlockPlan(blocks.get(b), pieces));
        }
        return new SegmentPlan(model, spec.height, spec.width, spec.secondaries, plans,
                SegmentPlan.Exchange.valueOf(spec.exchange)).validate();
    }
}
