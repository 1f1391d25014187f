package dev.halp.partitioner;

import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.HeadLayer;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.layer.PoolSpec;
import dev.halp.partitioner.layer.ReluSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random layer stacks for property tests: kernel 1-7, stride 1-3, padding 0..kernel-1, dilation 1-3. */
public final class RandomStacks {

    private RandomStacks() {
    }

    public static ModelSpec stack(Random rnd, int maxLayers) {
        int n = 1 + rnd.nextInt(maxLayers);
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(6);
            int k = 1 + rnd.nextInt(7);
            int s = 1 + rnd.nextInt(3);
            String name = "features." + i;
            if (kind == 0) {
                layers.add(new ReluSpec(name));
            } else if (kind == 1) {
                int p = rnd.nextInt(k / 2 + 1);
                layers.add(new PoolSpec(name, rnd.nextBoolean() ? PoolSpec.Kind.MAX : PoolSpec.Kind.AVG, k, s, p));
            } else {
                int p = rnd.nextInt(k);
                int d = 1 + rnd.nextInt(3);
                layers.add(new Conv2dSpec(name, 1, 1, k, s, p, d, 1, rnd.nextBoolean()));
            }
        }
        return new ModelSpec("random", 1, layers, List.of(new HeadLayer.Flatten("flatten")));
    }
}
