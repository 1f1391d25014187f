package dev.halp.operators.flink;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.halp.operators.cnn.DjlEnvironment;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.OptionalInt;
import java.util.function.IntSupplier;

/**
 * The DJL device a subtask computes on: the GPU that Flink's external resource {@code gpu} assigned to
 * this TaskManager (property {@code index}, set by Flink's {@code GPUDriver} from its discovery script), or
 * the CPU when the TaskManager has no such resource, or when the engine sees no GPU (a CPU build of the
 * PyTorch natives, or no driver in the container), or when the index is not one the engine can see.
 */
public final class DeviceSelection {

    /** The external resource name, as in {@code external-resources: gpu} of the TaskManager config. */
    public static final String RESOURCE = "gpu";
    /** The property Flink's {@code GPUDriver} gives each GPU. */
    public static final String INDEX = "index";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSelection.class);

    private DeviceSelection() {
    }

    /** The device for this subtask's TaskManager, asking DJL's PyTorch engine how many GPUs it sees. */
    public static Device select(RuntimeContext ctx) {
        return select(ctx.getExternalResourceInfos(RESOURCE), DeviceSelection::engineGpuCount);
    }

    /**
     * The lowest GPU index among {@code infos} if the engine sees that GPU, else the CPU. {@code gpuCount}
     * is asked only when an index is present (it loads the engine's natives).
     */
    public static Device select(Collection<ExternalResourceInfo> infos, IntSupplier gpuCount) {
        OptionalInt index = lowestIndex(infos);
        if (index.isEmpty()) {
            LOG.info("no external resource '{}' on this TaskManager: computing on the CPU", RESOURCE);
            return Device.cpu();
        }
        int gpus = gpuCount.getAsInt();
        if (gpus <= 0) {
            LOG.warn("external resource '{}' index {} assigned, but the engine sees no GPU (CPU natives?): "
                    + "computing on the CPU", RESOURCE, index.getAsInt());
            return Device.cpu();
        }
        if (index.getAsInt() >= gpus) {
            LOG.warn("external resource '{}' index {} assigned, but the engine sees only {} GPU(s) (check "
                    + "CUDA_VISIBLE_DEVICES): computing on the CPU", RESOURCE, index.getAsInt(), gpus);
            return Device.cpu();
        }
        LOG.info("external resource '{}' index {}: computing on gpu({})", RESOURCE, index.getAsInt(),
                index.getAsInt());
        return Device.gpu(index.getAsInt());
    }

    /** The lowest valid {@code index} property among the infos; malformed or negative ones are skipped. */
    static OptionalInt lowestIndex(Collection<ExternalResourceInfo> infos) {
        if (infos == null) {
            return OptionalInt.empty();
        }
        return infos.stream()
                .flatMap(i -> i.getProperty(INDEX).stream())
                .map(String::trim)
                .filter(s -> s.matches("\\d{1,9}"))
                .mapToInt(Integer::parseInt)
                .min();
    }

    private static int engineGpuCount() {
        DjlEnvironment.ensureOffline();
        return Engine.getEngine("PyTorch").getGpuCount();
    }
}
