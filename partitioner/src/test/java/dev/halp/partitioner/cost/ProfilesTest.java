package dev.halp.partitioner.cost;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfilesTest {

    private static MeasuredLayer layer(int idx, Map<Integer, Double> ms) {
        return new MeasuredLayer(idx, "Conv2d", new long[] {1, 3, 224, 224}, ms);
    }

    @Test
    void measuredTimesInterpolateClampAndExtrapolate() {
        MeasuredLayer l = layer(0, Map.of(28, 1.0, 56, 2.0, 224, 5.0));
        assertEquals(1.0, l.millis(10), "below the first point: its time");
        assertEquals(1.5, l.millis(42), 1e-12);
        assertEquals(2.0, l.millis(56));
        assertEquals(3.5, l.millis(140), 1e-12);
        assertEquals(10.0, l.millis(448), 1e-12, "beyond the last point: in proportion");
        assertEquals(0.0, l.millis(0));
    }

    @Test
    void tableKeysParseAndTheClosestTableIsChosen() {
        assertEquals(new TableKey(720, 1280, 4, "fp16"), TableKey.parse("720x1280_b4_fp16"));
        assertThrows(IllegalArgumentException.class, () -> TableKey.parse("224x224"));
        ModelSpec vgg = Models.vgg16();
        List<MeasuredLayer> layers = new ArrayList<>();
        for (int i = 0; i < vgg.features().size(); i++) {
            layers.add(layer(i, Map.of(1, 1.0, 1000, 1000.0)));
        }
        MeasuredProfile p = new MeasuredProfile("t", "dev", "fw", "d", "fp32", 1.0,
                Map.of("224x224_b1_fp32", layers, "720x1280_b1_fp32", layers, "224x224_b1_fp16", layers));
        assertEquals(TableKey.parse("224x224_b1_fp32"), p.choose(224, 224, 1));
        assertEquals(TableKey.parse("720x1280_b1_fp32"), p.choose(1080, 1920, 1));
        // a 448-wide frame from the 224 table: twice the time per row; padded rows count 2 fewer (padding 1)
        LayerTimes t = p.times(vgg, 448, 448, 1);
        assertEquals(2.0 * 8, t.millis(0, 10), 1e-9);
        assertEquals(4.0 * 8, p.scaled("x2", 2).times(vgg, 448, 448, 1).millis(0, 10), 1e-9);
    }

    /**
     * A table where the larger slices of one conv layer cost far more per row (what a CPU allocator that
     * faults large tensors in again does) is refused, naming the layer; fixed costs (small slices dearer per
     * row) and noise within the tolerance are accepted.
     */
    @Test
    void aProfileThatIsNotLinearInRowsIsRefusedNamingTheLayer() {
        ModelSpec vgg = Models.vgg16();
        List<MeasuredLayer> linear = new ArrayList<>();
        List<MeasuredLayer> paging = new ArrayList<>();
        for (int i = 0; i < vgg.features().size(); i++) {
            // layer 0: a slice timed at 0.0 ms (below the clock's resolution) is noise, not a cost per row
            linear.add(i == 0 ? layer(i, Map.of(16, 0.0, 32, 1.2, 224, 8.4))
                    : layer(i, Map.of(56, 9.0, 112, 12.0, 168, 18.0 * 1.3, 224, 24.0)));
            paging.add(i == 2 ? layer(i, Map.of(112, 53.0, 140, 370.0, 224, 400.0))
                    : layer(i, Map.of(56, 6.0, 224, 24.0)));
        }
        new MeasuredProfile("ok", "dev", "fw", "d", "fp32", 1.0, Map.of("224x224_b1_fp32", linear))
                .times(vgg, 224, 224, 1);
        MeasuredProfile bad = new MeasuredProfile("paging", "dev", "fw", "d", "fp32", 1.0,
                Map.of("224x224_b1_fp32", paging));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.times(vgg, 224, 224, 1));
        assertTrue(e.getMessage().contains("layer 2 (Conv2d) costs 53.0 ms on 112 rows but 370.0 ms on 140 rows"),
                e.getMessage());
    }

    @Test
    void flopProfileChargesOverheadPlusTheLargerOfArithmeticAndMemory() {
        ModelSpec vgg = Models.vgg16();
        FlopProfile p = new FlopProfile("f", 1000, 100, 0.5, 4);
        LayerTimes t = p.times(vgg, 224, 224, 1);
        // conv 3->64, 3x3, on 10 padded rows of 224: 8 output rows; 2*27*64*8*224 FLOPs at 1e9 FLOP/ms
        double flops = 2.0 * 27 * 64 * 8 * 224;
        assertEquals(0.5 + flops / 1e9, t.millis(0, 10), 1e-12);
        // ReLU on 10 rows of 64x224: memory bound, (in + out) * 4 bytes at 1e8 bytes/ms
        assertEquals(0.5 + 2.0 * 64 * 10 * 224 * 4 / 1e8, t.millis(1, 10), 1e-12);
        assertEquals(0.0, t.millis(0, 0));
    }

    @Test
    void linkSerialisesAtItsBandwidth() {
        Link l = new Link(1000, 0.2);
        assertEquals(8.0, l.serialisationMillis(1_000_000), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new Link(0, 0));
    }

    @Test
    void channelsAreSeededAndHaveTheirMeans() {
        RayleighChannel r = new RayleighChannel(100, 20, 2000);
        ChannelModel.Process a = r.start(new java.util.SplittableRandom(5));
        ChannelModel.Process b = r.start(new java.util.SplittableRandom(5));
        double sum = 0;
        for (int i = 0; i < 20_000; i++) {
            double x = a.nextMbps();
            assertEquals(x, b.nextMbps());
            sum += x;
        }
        assertEquals(r.meanMbps(), sum / 20_000, r.meanMbps() * 0.02);
        assertTrue(r.meanMbps() < r.rateMbps(1), "Jensen: fading lowers the mean rate");

        GilbertElliottChannel ge = new GilbertElliottChannel(1000, 100, 0.1, 0.3);
        assertEquals(0.25, ge.badProbability(), 1e-12);
        ChannelModel.Process p = ge.start(new java.util.SplittableRandom(9));
        int bad = 0;
        int switches = 0;
        double last = -1;
        for (int i = 0; i < 40_000; i++) {
            double x = p.nextMbps();
            bad += x == 100 ? 1 : 0;
            switches += last >= 0 && x != last ? 1 : 0;
            last = x;
        }
        assertEquals(0.25, bad / 40_000.0, 0.02);
        // switches per frame: 2 * P(good) * pGB = 0.15
        assertEquals(0.15, switches / 40_000.0, 0.01);
        assertEquals(775, ge.meanMbps(), 1e-9);
    }
}
