package dev.halp.job.cli;

import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.FlopProfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Device profiles by name or file. Built in: {@code h100} (the measured table shipped from
 * {@code shared/profiles/h100-vgg16.json}), and two device classes the paper's setting needs but nobody
 * here measured, derived from datasheet peaks with stated efficiencies (README, "Planner, cost model and
 * simulator"): {@code gtx1080ti} (11.3 TFLOP/s fp32, 484 GB/s; assumed 70 % and 72 % sustained, 10 us per
 * layer call) and {@code xavier} (Jetson AGX Xavier GPU, 1.41 TFLOP/s fp32, 137 GB/s; assumed 71 % and
 * 73 %, 30 us per layer call).
 */
public final class Profiles {

    static final FlopProfile GTX_1080_TI = new FlopProfile("gtx1080ti", 8000, 350, 0.01, 4);
    static final FlopProfile XAVIER = new FlopProfile("xavier", 1000, 100, 0.03, 4);

    private Profiles() {
    }

    static List<String> names() {
        return List.of("gtx1080ti", "xavier", "h100");
    }

    /** A built-in name or a profile file in the shared/profiles format (fp32 tables). */
    public static DeviceProfile byNameOrFile(String nameOrFile) {
        switch (nameOrFile.toLowerCase(Locale.ROOT)) {
            case "gtx1080ti":
                return GTX_1080_TI;
            case "xavier":
                return XAVIER;
            case "h100":
                try (InputStream in = Profiles.class.getResourceAsStream("/profiles/h100-vgg16.json")) {
                    return ProfileCodec.read(in, "h100", "fp32");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            default:
                Path file = Path.of(nameOrFile);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("'" + nameOrFile + "' is neither a profile file nor one of "
                            + String.join(", ", names()));
                }
                try (InputStream in = Files.newInputStream(file)) {
                    String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                    return ProfileCodec.read(in, name, "fp32");
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot read profile " + file + ": " + e.getMessage());
                }
        }
    }
}
