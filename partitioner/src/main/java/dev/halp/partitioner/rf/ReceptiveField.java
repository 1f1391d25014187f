package dev.halp.partitioner.rf;

import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Maps output rows back to the input rows they depend on, through one layer or a run of layers. */
public final class ReceptiveField {

    private ReceptiveField() {
    }

    /** The rows of a layer's input that {@code out} needs, clipped to the input's height. */
    public static RowRange neededRows(LayerSpec layer, RowRange out, int inputHeight) {
        return layer.inputWindow(out).clip(inputHeight);
    }

    /**
     * The per-layer program that computes output rows {@code out} of layers {@code [first, last)} of a
     * model from exactly the input rows they need. Steps are in execution order; the first step's input
     * rows are the slice to fetch.
     *
     * @param heights the model's input height per layer, from {@link ModelSpec#heights(int)}
     */
    public static List<LayerStep> program(ModelSpec model, int[] heights, int first, int last, RowRange out) {
        if (first < 0 || last > model.features().size() || first >= last) {
            throw new IllegalArgumentException("bad layer run [" + first + ", " + last + ")");
        }
        if (out.end() > heights[last]) {
            throw new IllegalArgumentException("rows " + out + " beyond output height " + heights[last]);
        }
        List<LayerStep> steps = new ArrayList<>(last - first);
        RowRange current = out;
        for (int l = last - 1; l >= first; l--) {
            LayerSpec layer = model.features().get(l);
            int inH = heights[l];
            if (current.isEmpty()) {
                steps.add(new LayerStep(l, inH, RowRange.EMPTY, 0, 0, RowRange.EMPTY));
                continue;
            }
            RowWindow w = layer.inputWindow(current);
            RowRange in = w.clip(inH);
            steps.add(new LayerStep(l, inH, in, w.padTop(), w.padBottom(inH), current));
            current = in;
        }
        Collections.reverse(steps);
        return List.copyOf(steps);
    }

    /** The input rows of layer {@code first} that output rows {@code out} of layer {@code last-1} need. */
    public static RowRange neededRows(ModelSpec model, int[] heights, int first, int last, RowRange out) {
        return program(model, heights, first, last, out).get(0).inputRows();
    }
}
