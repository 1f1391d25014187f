package dev.halp.job.cluster;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuRuntimeTest {

    private static final Optional<Path> INSTALLED = Optional.of(Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"));

    @Test
    void tcmallocIsPreloadedByDefaultWhereInstalled() {
        var env = CpuRuntime.environment(null, INSTALLED);
        assertEquals(INSTALLED.get().toString(), env.get("LD_PRELOAD"));
        assertEquals("tcmalloc", env.get("HALP_MALLOC"));
        assertFalse(env.containsKey("MALLOC_MMAP_MAX_"), env.toString());
    }

    @Test
    void withoutTcmallocGlibcKeepsFreedMemory() {
        var env = CpuRuntime.environment("tcmalloc", Optional.empty());
        assertFalse(env.containsKey("LD_PRELOAD"), env.toString());
        assertEquals("0", env.get("MALLOC_MMAP_MAX_"));
        assertEquals("1", env.get("MALLOC_ARENA_MAX"));
        assertEquals("glibc", env.get("HALP_MALLOC"));
        assertEquals(env, CpuRuntime.environment("glibc", INSTALLED), "glibc asked for is glibc even where tcmalloc is");
    }

    @Test
    void everyVariableAChoiceSetsIsListedForClearing() {
        for (String choice : new String[] {"tcmalloc", "glibc", "system"}) {
            for (Optional<Path> lib : java.util.List.of(INSTALLED, Optional.<Path>empty())) {
                CpuRuntime.environment(choice, lib).keySet().forEach(k ->
                        assertTrue(CpuRuntime.VARIABLES.contains(k), choice + " sets " + k));
            }
        }
    }

    @Test
    void systemChangesNothingAndAnUnknownChoiceNamesTheVariable() {
        assertEquals(java.util.Map.of("HALP_MALLOC", "system"), CpuRuntime.environment("system", INSTALLED));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuRuntime.environment("jemalloc", INSTALLED));
        assertTrue(e.getMessage().contains("HALP_MALLOC=jemalloc"), e.getMessage());
    }
}
