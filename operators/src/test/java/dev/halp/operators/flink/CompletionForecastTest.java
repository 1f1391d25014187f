package dev.halp.operators.flink;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionForecastTest {

    private final CompletionForecast forecast = new CompletionForecast(
            Map.of("host", 2.0, "secondary_0", 3.0), Map.of("halp", 25.0, "local", -500.0));

    @Test
    void theFrameFinishesWhenItsSlowestParticipantDoesPlusTheSchemesResidual() {
        // secondary_1 is not measured: assumed as fast as the measured secondaries (3 ms per row)
        assertEquals(1_000 + 50 * 3 + 25, forecast.predict("halp", new int[] {10, 20, 50}, 1_000, 0).orElseThrow());
        assertEquals(1_000 + 100 * 3 + 25, forecast.predict("halp", new int[] {10, 100, 50}, 1_000, 0).orElseThrow());
        assertEquals(1_000 + 150 * 2, forecast.predict("modnn", new int[] {150, 0, 0}, 1_000, 0).orElseThrow(),
                "no residual learned for that scheme");
        assertEquals(1_000, forecast.predict("local", new int[] {150, 0, 0}, 1_000, 0).orElseThrow(),
                "never before now");
    }

    @Test
    void aFrameWaitingBehindOthersFinishesThatMuchLater() {
        assertEquals(1_000 + 400 + 50 * 3 + 25, forecast.predict("halp", new int[] {10, 20, 50}, 1_000, 400).orElseThrow());
    }

    @Test
    void nothingIsPredictedBeforeTheHostIsMeasured() {
        assertTrue(new CompletionForecast(Map.of("secondary_0", 1.0), Map.of())
                .predict("halp", new int[] {1, 1}, 0, 0).isEmpty());
    }
}
