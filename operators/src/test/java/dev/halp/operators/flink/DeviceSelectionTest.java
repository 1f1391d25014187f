package dev.halp.operators.flink;

import ai.djl.Device;
import dev.halp.operators.cnn.CnnModel;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The device choice from Flink's external resource {@code gpu}, with the engine's GPU count injected. */
class DeviceSelectionTest {

    /** What Flink's GPUDriver hands out: one info per GPU with the property {@code index}. */
    private static ExternalResourceInfo gpu(String index) {
        Map<String, String> props = index == null ? Map.of() : Map.of("index", index);
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(props.get(key));
            }

            @Override
            public Collection<String> getKeys() {
                return props.keySet();
            }
        };
    }

    private static IntSupplier gpus(int n, AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            return n;
        };
    }

    @Test
    void noResourceIsCpuWithoutAskingTheEngine() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(Device.cpu(), DeviceSelection.select(Set.of(), gpus(4, calls)));
        assertEquals(Device.cpu(), DeviceSelection.select(null, gpus(4, calls)));
        assertEquals(0, calls.get(), "the engine is not loaded when there is no gpu resource");
    }

    @Test
    void indexButEngineWithoutGpusIsCpu() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(Device.cpu(), DeviceSelection.select(Set.of(gpu("0")), gpus(0, calls)));
        assertEquals(1, calls.get());
    }

    @Test
    void indexTheEngineSeesIsThatGpu() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(Device.gpu(0), DeviceSelection.select(Set.of(gpu("0")), gpus(1, calls)));
        assertEquals(Device.gpu(1), DeviceSelection.select(Set.of(gpu("1")), gpus(2, calls)));
        // several GPUs on one TaskManager: the lowest index
        assertEquals(Device.gpu(1), DeviceSelection.select(List.of(gpu("3"), gpu("1"), gpu("2")), gpus(4, calls)));
    }

    @Test
    void indexBeyondWhatTheEngineSeesIsCpu() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(Device.cpu(), DeviceSelection.select(Set.of(gpu("2")), gpus(1, calls)));
    }

    @Test
    void malformedIndicesAreIgnored() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(Device.cpu(), DeviceSelection.select(Set.of(gpu(null)), gpus(1, calls)));
        assertEquals(Device.cpu(), DeviceSelection.select(List.of(gpu("x"), gpu("-1"), gpu("")), gpus(1, calls)));
        assertEquals(0, calls.get());
        assertEquals(Device.gpu(0), DeviceSelection.select(List.of(gpu("x"), gpu(" 0 ")), gpus(1, calls)));
    }

    @Test
    void theEngineHereHasNoGpuSoARealSelectionIsCpu() {
        // the test classpath carries the PyTorch CPU natives: the production path must fall back
        ExternalResourceInfo info = gpu("0");
        assertEquals(Device.cpu(), DeviceSelection.select(Set.of(info),
                () -> ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount()));
    }

    @Test
    void modelsAreSharedPerConfigAndDevice() {
        ModelConfig tiny = new ModelConfig("tiny", 5, null, 1);
        CnnModel a = tiny.acquire(Device.cpu());
        CnnModel b = tiny.acquire(DeviceSelection.select(Set.of(), () -> 0));
        try {
            assertSame(a, b);
            assertEquals(Device.cpu(), a.device());
        } finally {
            tiny.release(b);
            tiny.release(a);
        }
        CnnModel c = tiny.acquire();
        try {
            assertNotSame(a, c, "the last release closed the model; the next acquire builds a new one");
        } finally {
            tiny.release(c);
        }
    }
}
