package dev.halp.operators.stats;

import dev.halp.kafka.record.CameraStats;
import dev.halp.kafka.record.ResultRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CameraStatsAggregateTest {

    @Test
    void percentilesOfMetLatenciesMatchSortedValuesAndMergingEqualsAddingOneByOne() {
        SplittableRandom random = new SplittableRandom(5);
        CameraStatsAggregate agg = new CameraStatsAggregate();
        CameraWindowAccumulator all = agg.createAccumulator();
        CameraWindowAccumulator left = agg.createAccumulator();
        CameraWindowAccumulator right = agg.createAccumulator();
        long[] latencies = new long[200];
        for (int i = 0; i < 200; i++) {
            latencies[i] = random.nextInt(20, 1900);
            ResultRecord r = CameraStatsWindowsTest.met("cam", i, latencies[i], i % 3 == 0 ? "cat" : null);
            if (i % 3 == 1) {
                r.top5 = List.of(new ResultRecord.ClassScore(4, 1f)); // no --labels: the index names it
            }
            agg.add(r, all);
            agg.add(r, i < 77 ? left : right);
        }
        agg.add(CameraStatsWindowsTest.missed("cam", 300, "deadline passed"), all);
        agg.add(CameraStatsWindowsTest.missed("cam", 300, "deadline passed"), right);
        CameraStats s = agg.getResult(all);
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        // nearest rank, as the histogram (3 significant digits) reports it
        assertEquals(sorted[99], s.latencyP50Ms, sorted[99] * 0.001 + 1);
        assertEquals(sorted[197], s.latencyP99Ms, sorted[197] * 0.001 + 1);
        assertEquals(List.of(201L, 200L, 1L, 0L), List.of(s.frames, s.met, s.missed, s.shed));
        assertEquals(67L, s.top1.get("cat"));
        assertEquals(67L, s.top1.get("#4"));
        CameraStats merged = agg.getResult(agg.merge(left, right));
        assertEquals(dev.halp.kafka.record.Json.write(s), dev.halp.kafka.record.Json.write(merged));
    }
}
