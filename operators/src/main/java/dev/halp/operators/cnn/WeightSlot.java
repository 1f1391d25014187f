package dev.halp.operators.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.nio.FloatBuffer;

/** A parameter of a layer and the shape its spec requires (checked whenever weights are set or loaded). */
public record WeightSlot(Parameter parameter, Shape shape) {

    /** Most floats one copy passes through a direct buffer (16 MB). */
    static final int CHUNK_FLOATS = 4 << 20;

    /** Sets the values after checking the shape. */
    public void set(NDArray array) {
        if (!array.getShape().equals(shape)) {
            throw new IllegalArgumentException(parameter.getName() + " needs shape " + shape + ", got "
                    + array.getShape());
        }
        parameter.setArray(array);
    }

    /**
     * Sets {@code values} (row-major in {@link #shape}) in memory the engine allocates itself. An array the
     * engine creates from a Java buffer keeps that direct buffer for its whole life, so VGG-16's weights would
     * hold 553 MB of the JVM's direct memory, more than a TaskManager's off-heap budget spares for a second job;
     * here the values pass through direct buffers of at most {@link #CHUNK_FLOATS}, garbage once copied.
     */
    public void set(NDManager manager, float[] values) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(parameter.getName() + " needs " + shape.size() + " values, got "
                    + values.length);
        }
        NDArray array = manager.zeros(shape, DataType.FLOAT32);
        long[] dims = shape.getShape();
        long perRow = shape.size() / dims[0];
        long rowsPerChunk = Math.max(1, CHUNK_FLOATS / perRow);
        for (long row = 0; row < dims[0]; row += rowsPerChunk) {
            long end = Math.min(dims[0], row + rowsPerChunk);
            long[] chunk = dims.clone();
            chunk[0] = end - row;
            try (NDArray part = manager.create(FloatBuffer.wrap(values, Math.toIntExact(row * perRow),
                    Math.toIntExact((end - row) * perRow)), new Shape(chunk))) {
                array.set(new NDIndex("{}:{}", row, end), part);
            }
        }
        set(array);
    }
}
