package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/** A parameter of a layer and the shape its spec requires (checked whenever weights are set or loaded). */
public record WeightSlot(Parameter parameter, Shape shape) {

    /** Sets the values after checking the shape. */
    public void set(NDArray array) {
        if (!array.getShape().equals(shape)) {
            throw new IllegalArgumentException(parameter.getName() + " needs shape " + shape + ", got "
                    + array.getShape());
        }
        parameter.setArray(array);
    }
}
