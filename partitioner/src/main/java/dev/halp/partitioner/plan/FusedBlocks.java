package dev.halp.partitioner.plan;

import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.ArrayList;
import java.util.List;

/** Ways to cut a model's feature layers into fused blocks. */
public final class FusedBlocks {

    private FusedBlocks() {
    }

    /**
     * One block per resolution: a block ends after each down-sampling layer (stride above 1) and the
     * element-wise layers that directly follow it. VGG-16 gets its five conv stages.
     */
    public static List<FusedBlock> perStage(ModelSpec model) {
        List<LayerSpec> f = model.features();
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            if (f.get(i).stride() > 1) {
                int end = i + 1;
                while (end < f.size() && f.get(end).isElementwise()) {
                    end++;
                }
                ends.add(end);
                i = end - 1;
            }
        }
        return fromEnds(model, ends);
    }

    /** One block per non-element-wise layer (with its element-wise followers): MoDNN's layer-wise split. */
    public static List<FusedBlock> perLayer(ModelSpec model) {
        List<LayerSpec> f = model.features();
        List<Integer> ends = new ArrayList<>();
        for (int i = 1; i <= f.size(); i++) {
            if (i == f.size() || !f.get(i).isElementwise()) {
                ends.add(i);
            }
        }
        return fromEnds(model, ends);
    }

    /** The whole feature stack as one block. */
    public static List<FusedBlock> whole(ModelSpec model) {
        return List.of(new FusedBlock(0, model.features().size()));
    }

    /** Blocks ending at the given layer indices (exclusive ends); the last block always ends the stack. */
    public static List<FusedBlock> fromEnds(ModelSpec model, List<Integer> ends) {
        int n = model.features().size();
        List<FusedBlock> blocks = new ArrayList<>();
        int start = 0;
        for (int end : ends) {
            if (end <= start || end > n) {
                throw new IllegalArgumentException("block ends must increase within 1.." + n + ": " + ends);
            }
            blocks.add(new FusedBlock(start, end));
            start = end;
        }
        if (start < n) {
            blocks.add(new FusedBlock(start, n));
        }
        return List.copyOf(blocks);
    }
}
