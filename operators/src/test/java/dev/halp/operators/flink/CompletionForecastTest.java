package dev.halp.operators.flink;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionForecastTest {

    private final CompletionForecast forecast = new CompletionForecast(
            Map.of("host", 2.0, "secondary_0", 3.0), Map.of("halp", 25.0));

    @Test
    void theFrameFinishesWhenItsSlowestParticipantDoesPlusTheSchemesBias() {
        var p = forecast.predict("halp", new int[] {10, 100, 50}, 1_000, new long[3]).orElseThrow();
        // secondary_1 is not measured: assumed as fast as the measured secondaries (3 ms per row)
        assertArrayEquals(new long[] {1_020, 1_300, 1_150}, p.freeAtMillis());
        assertEquals(1_325, p.finishMillis());
        assertEquals(1_300, forecast.predict("local", new int[] {150, 0, 0}, 1_000, new long[3]).orElseThrow()
                .finishMillis(), "no bias learned for local");
    }

    @Test
    void aBusyParticipantStartsWhenItIsFreeAndAnUnusedOneKeepsItsClock() {
        var p = forecast.predict("local", new int[] {100, 0, 0}, 1_000, new long[] {1_500, 2_000, 0}).orElseThrow();
        assertArrayEquals(new long[] {1_700, 2_000, 1_000}, p.freeAtMillis());
        assertEquals(1_700, p.finishMillis());
    }

    @Test
    void nothingIsPredictedBeforeTheHostIsMeasured() {
        assertTrue(new CompletionForecast(Map.of("secondary_0", 1.0), Map.of())
                .predict("halp", new int[] {1, 1}, 0, new long[2]).isEmpty());
    }
}
