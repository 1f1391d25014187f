package dev.halp.operators.cnn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.rf.LayerStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A model spec with its weights on the DJL PyTorch engine: whole-frame inference, any run of feature
 * layers on a border-padded row slice, and the head. Owns its native memory; close it.
 *
 * <p>Tensors go in and out as {@link TensorBytes}; NDArrays never leave a call.
 */
public final class CnnModel implements AutoCloseable {

    /** System property that sets the default of {@link Builder#optExactSlices(boolean)}. */
    public static final String EXACT_SLICES_PROPERTY = "halp.exact-slices";

    private final Model model;
    private final CnnBlock block;
    private final NDManager manager;
    private final ExactSlices exactSlices;

    private CnnModel(Model model, CnnBlock block, boolean exactSlices) {
        this.model = model;
        this.block = block;
        this.manager = model.getNDManager();
        this.exactSlices = new ExactSlices(exactSlices);
    }

    public static Builder builder() {
        return new Builder();
    }

    public ModelSpec spec() {
        return block.spec();
    }

    public Device device() {
        return manager.getDevice();
    }

    /** How slices are kept bit-identical to the whole frame, and what that has cost so far. */
    public ExactSlices exactSlices() {
        return exactSlices;
    }

    /** Whole-frame feature layers {@code [first, last)}, each with its own padding. */
    public TensorBytes features(TensorBytes input, int first, int last) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = Tensors.toNDArray(m, input);
            for (int l = first; l < last; l++) {
                x = block.features().get(l).apply(x, false);
            }
            return Tensors.toBytes(x);
        }
    }

    /**
     * Engine milliseconds of whole-frame layers {@code [first, last)} on {@code input}: the median of
     * {@code repeats} runs after one untimed run, the tensor converted once outside the timing. This is the
     * compute a profile needs; conversions to and from bytes belong to the exchange, not the layer.
     */
    public double timeFeatures(TensorBytes input, int first, int last, int repeats) {
        try (NDManager m = manager.newSubManager()) {
            NDArray in = Tensors.toNDArray(m, input);
            double[] ms = new double[repeats];
            for (int i = -1; i < repeats; i++) {
                try (NDManager run = m.newSubManager()) {
                    NDArray x = in;
                    long t0 = System.nanoTime();
                    for (int l = first; l < last; l++) {
                        x = block.features().get(l).apply(x, false);
                        x.attach(run);
                    }
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            java.util.Arrays.sort(ms);
            return ms[repeats / 2];
        }
    }

    /**
     * Runs a slice program (from {@code ReceptiveField.program}): before each layer the slice gets the
     * border rows the step names (zeros, or -inf before max pooling), then the layer runs with zero height
     * padding, in a shape {@link ExactSlices} found bit-identical to the whole frame on this machine. The
     * input must hold exactly the first step's input rows.
     */
    public TensorBytes slice(TensorBytes input, List<LayerStep> steps) {
        if (input.height() != steps.get(0).inputRows().size()) {
            throw new IllegalArgumentException("slice has " + input.height() + " rows, the program needs "
                    + steps.get(0).inputRows());
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x = Tensors.toNDArray(m, input);
            for (LayerStep step : steps) {
                LayerSpec spec = spec().features().get(step.layer());
                LayerBlock layer = block.features().get(step.layer());
                x = layer instanceof GraphLayer g ? g.slice(exactSlices, step, x)
                        : exactSlices.runStep(spec.name(), layer, spec, step, x);
                if (x.getShape().get(2) != step.outputRows().size()) {
                    throw new IllegalStateException("layer " + spec.name() + " produced " + x.getShape().get(2)
                            + " rows, expected " + step.outputRows());
                }
            }
            return Tensors.toBytes(x);
        }
    }

    /** The head on a stitched feature map: one row of scores per frame. */
    public float[][] head(TensorBytes features) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = Tensors.toNDArray(m, features);
            for (LayerBlock b : block.head()) {
                x = b.apply(x, false);
            }
            int n = (int) x.getShape().get(0);
            float[] flat = x.toFloatArray();
            int classes = flat.length / n;
            float[][] out = new float[n][classes];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * classes, out[i], 0, classes);
            }
            return out;
        }
    }

    /** Saves the weights as a DJL {@code .params} file in {@code dir} ({@code <name>-0000.params}). */
    public Path save(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            model.save(dir, name);
            return dir.resolve(name + "-0000.params");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    /** Builds a model: {@code setSpec} is required; weights come from a seed unless a file is given. */
    public static final class Builder {
        private ModelSpec spec;
        private long seed = 7;
        private Path weights;
        private Device device;
        private int threads;
        private boolean exactSlices = !"false".equalsIgnoreCase(System.getProperty(EXACT_SLICES_PROPERTY, "true"));

        public Builder setSpec(ModelSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * A DJL {@code .params} file, a {@code .safetensors} file, or a TorchScript file ({@code .pt}) of a
         * torchvision-layout model (the last two by torchvision's parameter names).
         */
        public Builder optWeights(Path weights) {
            this.weights = weights;
            return this;
        }

        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /**
         * PyTorch's intra-op threads for the whole process (default: left as configured, for example by
         * {@code ai.djl.pytorch.num_threads}). With more threads, oneDNN splits its work by input size, so
         * more slices need {@link ExactSlices}' whole-shape fallback; one thread keeps the slices direct.
         */
        public Builder optThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Whether slices are checked against the whole frame ({@link ExactSlices}; default true, or the
         * system property {@value CnnModel#EXACT_SLICES_PROPERTY}). Off, every slice runs directly: a little faster
         * where the check would fall back, and equal to the whole frame only up to rounding.
         */
        public Builder optExactSlices(boolean exactSlices) {
            this.exactSlices = exactSlices;
            return this;
        }

        public CnnModel build() {
            Objects.requireNonNull(spec, "spec is required");
            DjlEnvironment.ensureOffline();
            if (threads > 0) {
                ai.djl.engine.Engine.getEngine("PyTorch"); // loads the natives before the JNI call
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
            }
            Model model = Model.newInstance(spec.name(), device == null ? Device.cpu() : device, "PyTorch");
            CnnBlock block = new CnnBlock(spec);
            model.setBlock(block);
            try {
                if (weights == null) {
                    seeded(model.getNDManager(), block);
                } else if (weights.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".params")) {
                    loadParams(model.getNDManager(), block);
                } else if (weights.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
                    SafetensorsWeights.importInto(block, weights, model.getNDManager());
                } else {
                    TorchScriptWeights.importInto(block, weights, model.getNDManager());
                }
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            return new CnnModel(model, block, exactSlices);
        }

        private void seeded(NDManager manager, CnnBlock block) {
            for (Map.Entry<String, WeightSlot> e : block.parametersByName().entrySet()) {
                WeightSlot w = e.getValue();
                w.set(manager, SeededWeights.source(seed, e.getKey(), w.parameter().getType(), w.shape()));
            }
        }

        /**
         * Loads a DJL {@code .params} file into a scratch model, then copies each parameter into {@code block}
         * in the engine's memory: DJL decodes into direct buffers that the decoded arrays keep for life.
         */
        private void loadParams(NDManager manager, CnnBlock block) {
            if (!Files.isRegularFile(weights)) {
                throw new IllegalArgumentException("weights file not found: " + weights);
            }
            String file = weights.getFileName().toString();
            String prefix = file.replaceFirst("(-\\d{4})?\\.params$", "");
            try (Model scratch = Model.newInstance(spec.name(), Device.cpu(), "PyTorch")) {
                CnnBlock decoded = new CnnBlock(spec);
                scratch.setBlock(decoded);
                try {
                    scratch.load(weights.toAbsolutePath().getParent(), prefix);
                } catch (IOException | MalformedModelException e) {
                    throw new IllegalArgumentException("cannot load " + weights + ": " + e.getMessage(), e);
                }
                for (Map.Entry<String, WeightSlot> e : decoded.parametersByName().entrySet()) {
                    NDArray a = e.getValue().parameter().getArray();
                    if (a.getDataType() != DataType.FLOAT32 || !a.getShape().equals(e.getValue().shape())) {
                        throw new IllegalArgumentException(weights + ": " + e.getKey() + " is " + a.getDataType()
                                + " " + a.getShape() + ", expected float32 " + e.getValue().shape());
                    }
                    block.parametersByName().get(e.getKey()).set(manager, WeightSlot.of(a));
                }
            }
        }
    }
}
