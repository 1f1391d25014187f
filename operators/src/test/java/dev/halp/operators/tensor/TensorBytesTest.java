package dev.halp.operators.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TensorBytesTest {

    /** 2 frames x 2 channels x 5 rows x 3 columns, value = its index. */
    private static TensorBytes sample() {
        float[] v = new float[2 * 2 * 5 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return TensorBytes.ofFloats(new long[] {2, 2, 5, 3}, v);
    }

    @Test
    void rowsCutEveryChannelAndConcatStitchesThemBack() {
        TensorBytes t = sample();
        TensorBytes top = t.rows(0, 2);
        TensorBytes bottom = t.rows(2, 5);
        assertArrayEquals(new long[] {2, 2, 2, 3}, top.shape());
        // channel 1 of frame 0 starts at index 15; its rows 0..1 are 15..20
        assertEquals(15f, top.toFloats()[6]);
        assertEquals(t, TensorBytes.concatRows(List.of(top, bottom)));
        assertEquals(t, TensorBytes.concatRows(List.of(t.rows(0, 1), t.rows(1, 4), t.rows(4, 5))));
    }

    @Test
    void badShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TensorBytes(new long[] {1, 1, 2, 2}, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> sample().rows(3, 6));
        TensorBytes other = TensorBytes.ofFloats(new long[] {2, 2, 1, 4}, new float[16]);
        assertThrows(IllegalArgumentException.class, () -> TensorBytes.concatRows(List.of(sample(), other)));
    }

    @Test
    void maxAbsDiffSeesTheLargestDifference() {
        TensorBytes a = TensorBytes.ofFloats(new long[] {1, 1, 1, 3}, new float[] {1, 2, 3});
        TensorBytes b = TensorBytes.ofFloats(new long[] {1, 1, 1, 3}, new float[] {1, 2.5f, 2});
        assertEquals(1f, a.maxAbsDiff(b));
        assertEquals(0f, a.maxAbsDiff(a));
    }
}
