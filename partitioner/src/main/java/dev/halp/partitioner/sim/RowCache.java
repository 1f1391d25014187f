package dev.halp.partitioner.sim;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.rf.RowRange;

import dev.halp.partitioner.util.BoundedCache;

/**
 * Receptive-field tables ({@link BlockRows}) for one model at one frame height, one per layer run, built
 * on first use and shared by every planner and simulator (they do not depend on how rows are shared): a
 * planner simulates hundreds of layouts of the same blocks.
 */
public final class RowCache {

    private record Key(ModelSpec model, int height) { }

    /** Models and frame heights kept (planners of one process use a few; each holds up to layers² tables). */
    static final int MAX_ENTRIES = 16;

    private static final BoundedCache<Key, RowCache> ALL = new BoundedCache<>("receptive-field tables", MAX_ENTRIES);
    private static volatile RowCache last;

    /** Tables held now, for tests (at most {@link #MAX_ENTRIES}). */
    static int cached() {
        return ALL.size();
    }

    private final ModelSpec model;
    private final int height;
    private final int[] heights;
    private final int layers;
    private final BlockRows[] blocks;

    private RowCache(ModelSpec model, int height) {
        this.model = model;
        this.height = height;
        this.heights = model.heights(height);
        this.layers = model.features().size();
        this.blocks = new BlockRows[(layers + 1) * (layers + 1)];
    }

    /** The shared tables of a model at a frame height. */
    public static RowCache of(ModelSpec model, int height) {
        RowCache c = last;
        if (c != null && c.height == height && (c.model == model || c.model.equals(model))) {
            return c;
        }
        c = ALL.get(new Key(model, height), k -> new RowCache(model, height));
        last = c;
        return c;
    }

    boolean serves(ModelSpec m, int h) {
        return h == height && (m == model || m.equals(model));
    }

    /** The table of layers {@code [first, last)}. */
    public BlockRows block(int first, int last) {
        int i = first * (layers + 1) + last;
        BlockRows b = blocks[i];
        if (b == null) {
            b = new BlockRows(model, heights, first, last);
            blocks[i] = b; // racing builders compute equal tables
        }
        return b;
    }

    BlockRows block(FusedBlock block) {
        return block(block.first(), block.last());
    }

    /** The block input rows that output rows {@code rows} need. */
    RowRange need(FusedBlock block, RowRange rows) {
        return block(block).need(rows.start(), rows.end());
    }
}
