package dev.halp.job.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hop line the planner gets: least squares, never a negative fixed cost or slope. */
class HopLineTest {

    @Test
    void pointsOnALineGiveThatLine() {
        List<HopBench.Size> sizes = List.of(new HopBench.Size(16_384, 2 + 10 * 0.016384, 9),
                new HopBench.Size(1_048_576, 2 + 10 * 1.048576, 20), new HopBench.Size(4_194_304, 2 + 10 * 4.194304, 60));
        double[] line = HopBench.fit(sizes);
        assertEquals(2, line[0], 1e-9);
        assertEquals(10, line[1], 1e-9);
    }

    @Test
    void noiseThatTiltsTheLineBelowZeroGivesTheLineThroughTheOrigin() {
        // the free fit of these is about -0.5 ms + 20.5 ms per MB (a bench run on a loaded machine)
        List<HopBench.Size> sizes = List.of(new HopBench.Size(16_384, 1.6, 9), new HopBench.Size(262_144, 4.8, 15),
                new HopBench.Size(1_048_576, 19.0, 25), new HopBench.Size(4_194_304, 85.0, 90));
        double[] line = HopBench.fit(sizes);
        assertEquals(0, line[0]);
        double xy = 0;
        double xx = 0;
        for (HopBench.Size s : sizes) {
            xy += s.bytes() / 1e6 * s.p50Ms();
            xx += s.bytes() / 1e6 * s.bytes() / 1e6;
        }
        assertEquals(xy / xx, line[1], 1e-9);
    }
}
