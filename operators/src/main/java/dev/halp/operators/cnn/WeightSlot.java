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

    /** A parameter's values in row-major order, handed out in consecutive runs. */
    @FunctionalInterface
    public interface Values {
        /** The {@code count} values from row-major position {@code offset} on. */
        float[] next(long offset, int count);
    }

    /**
     * Sets the values in memory the engine allocates itself, copied in runs of at most {@link #CHUNK_FLOATS}.
     * An array the engine creates from a Java buffer keeps that direct buffer for its whole life, so VGG-16's
     * weights would hold 553 MB of the JVM's direct memory, more than a TaskManager's off-heap budget spares for
     * a second job; and one heap array per parameter would need 411 MB of contiguous heap for fc6. Here no run
     * holds more than 16 MB, on the heap or off it, and each is garbage once copied.
     */
    public void set(NDManager manager, Values values) {
        NDArray array = manager.zeros(shape, DataType.FLOAT32);
        long[] dims = shape.getShape();
        long perRow = shape.size() / dims[0];
        long rowsPerChunk = Math.max(1, CHUNK_FLOATS / perRow);
        for (long row = 0; row < dims[0]; row += rowsPerChunk) {
            long end = Math.min(dims[0], row + rowsPerChunk);
            long[] chunk = dims.clone();
            chunk[0] = end - row;
            float[] run = values.next(row * perRow, Math.toIntExact((end - row) * perRow));
            try (NDArray part = manager.create(FloatBuffer.wrap(run), new Shape(chunk))) {
                array.set(new NDIndex("{}:{}", row, end), part);
            }
        }
        set(array);
    }

    /** The values of an engine array of this slot's shape, read a run at a time. */
    public static Values of(NDArray source) {
        NDArray flat = source.reshape(-1);
        return (offset, count) -> {
            try (NDArray run = flat.get(new NDIndex("{}:{}", offset, offset + count))) {
                return run.toFloatArray();
            }
        };
    }
}
