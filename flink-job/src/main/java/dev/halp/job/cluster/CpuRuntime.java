package dev.halp.job.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The memory allocator of every process that runs the CNN (bin/halp chooses the same way; docs/operations.md).
 * PyTorch's CPU tensors come from {@code malloc}, and glibc's defaults map each tensor above 32 MB fresh from
 * the kernel, so large activations are faulted in page by page on every layer. tcmalloc (Debian's
 * {@code libtcmalloc-minimal4}, preloaded) keeps freed spans for reuse and, unlike glibc kept from trimming, does
 * not fragment when slices of many heights follow whole frames: VGG-16 448x448 at batch 4, whole frames and
 * slices alternating, held 2.8 GB after 8 rounds with tcmalloc and 4.0 GB (still growing) with glibc, at the
 * same speed ({@code bin/halp bench allocator}). Where tcmalloc is not installed, glibc is told to keep freed memory instead (no mmap, no trim,
 * one arena). {@code HALP_MALLOC} chooses: {@code tcmalloc}, {@code glibc}, or {@code system} (no change).
 */
public final class CpuRuntime {

    /** Where Debian, Ubuntu and Fedora install tcmalloc-minimal (first found wins; bin/halp lists the same). */
    static final List<String> TCMALLOC_PATHS = List.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
            "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4", "/usr/lib64/libtcmalloc_minimal.so.4",
            "/usr/lib/libtcmalloc_minimal.so.4");

    /** glibc kept from returning memory: no mmap for allocations, no trimming, 256 MB steps, one arena. */
    static final Map<String, String> GLIBC_KEEPS_MEMORY = Map.of("MALLOC_MMAP_MAX_", "0",
            "MALLOC_TRIM_THRESHOLD_", "4294967295", "MALLOC_TOP_PAD_", "268435456", "MALLOC_ARENA_MAX", "1");

    /** Every variable a choice may set: a process started for another choice is cleared of them first. */
    public static final List<String> VARIABLES = List.of("LD_PRELOAD", "TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD",
            "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX", "HALP_MALLOC");

    private CpuRuntime() {
    }

    /** The environment for a new CNN process, chosen by {@code HALP_MALLOC} of this one (default: tcmalloc if found). */
    public static Map<String, String> environment() {
        return environment(System.getenv("HALP_MALLOC"), tcmalloc());
    }

    /** The environment for {@code HALP_MALLOC=choice} (tcmalloc falls back to glibc where it is not installed). */
    public static Map<String, String> environment(String choice) {
        return environment(choice, tcmalloc());
    }

    static Map<String, String> environment(String choice, Optional<Path> tcmalloc) {
        String c = choice == null || choice.isBlank() ? "tcmalloc" : choice.toLowerCase(Locale.ROOT);
        switch (c) {
            case "system":
                return Map.of("HALP_MALLOC", "system");
            case "glibc":
                return with(GLIBC_KEEPS_MEMORY, "glibc");
            case "tcmalloc":
                if (tcmalloc.isPresent()) {
                    // tcmalloc reports every allocation above 1 GB on stderr; a batch of 720p activations is one
                    return Map.of("LD_PRELOAD", tcmalloc.get().toString(),
                            "TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD", "1099511627776", "HALP_MALLOC", "tcmalloc");
                }
                return with(GLIBC_KEEPS_MEMORY, "glibc");
            default:
                throw new IllegalArgumentException("HALP_MALLOC=" + choice + ": use tcmalloc, glibc or system");
        }
    }

    /** Debian's tcmalloc-minimal, if installed. */
    public static Optional<Path> tcmalloc() {
        return TCMALLOC_PATHS.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    private static Map<String, String> with(Map<String, String> env, String choice) {
        Map<String, String> out = new java.util.HashMap<>(env);
        out.put("HALP_MALLOC", choice);
        return Map.copyOf(out);
    }
}
