package dev.halp.partitioner.sim;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Receptive-field answers for one model at one frame height, memoised: a planner simulates hundreds of
 * layouts of the same blocks, and the slice programs and single-row input windows they ask for repeat.
 * A range's input rows are the union of its first and last rows' windows (windows are monotone in the
 * row), so single-row windows answer every range.
 */
final class RowCache {

    private final ModelSpec model;
    private final int height;
    private final int[] heights;
    private final Map<Long, List<LayerStep>> programs = new HashMap<>();
    private final Map<Long, int[][]> rowNeeds = new HashMap<>();

    RowCache(ModelSpec model, int height) {
        this.model = model;
        this.height = height;
        this.heights = model.heights(height);
    }

    boolean serves(ModelSpec m, int h) {
        return m.equals(model) && h == height;
    }

    List<LayerStep> program(FusedBlock block, RowRange rows) {
        long key = ((long) block.first() << 48) | ((long) block.last() << 32) | ((long) rows.start() << 16) | rows.end();
        return programs.computeIfAbsent(key, k -> ReceptiveField.program(model, heights, block.first(),
                block.last(), rows));
    }

    /** The block input rows that output rows {@code rows} need. */
    RowRange need(FusedBlock block, RowRange rows) {
        int[][] n = rowNeeds.computeIfAbsent(((long) block.first() << 32) | block.last(), k -> singleRows(block));
        return RowRange.of(n[0][rows.start()], n[1][rows.end() - 1]);
    }

    private int[][] singleRows(FusedBlock block) {
        int rows = heights[block.last()];
        int[][] n = new int[2][rows];
        for (int r = 0; r < rows; r++) {
            RowRange in = ReceptiveField.neededRows(model, heights, block.first(), block.last(), RowRange.of(r, r + 1));
            n[0][r] = in.start();
            n[1][r] = in.end();
        }
        return n;
    }
}
