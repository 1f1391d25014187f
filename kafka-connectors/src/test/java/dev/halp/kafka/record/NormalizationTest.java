package dev.halp.kafka.record;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NormalizationTest {

    /** One pixel, planar: red 255, green 0, blue 128. */
    private static final byte[] PIXEL = {(byte) 255, 0, (byte) 128};
    private static final long[] SHAPE = {1, 3, 1, 1};

    @Test
    void noneIsValueOver255BitForBit() {
        byte[] all = new byte[256 * 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(FramePixels.toFloats(all), Normalization.NONE.toFloats(all, new long[] {1, 3, 16, 16}));
    }

    @Test
    void imagenetSubtractsTorchvisionsMeanAndDividesByItsStdPerChannel() {
        float[] out = new Normalization("imagenet", false).toFloats(PIXEL, SHAPE);
        assertEquals((1.0 - 0.485) / 0.229, out[0], 1e-6);
        assertEquals((0.0 - 0.456) / 0.224, out[1], 1e-6);
        assertEquals((128 / 255.0 - 0.406) / 0.225, out[2], 1e-6);
    }

    @Test
    void bgrFeedsTheCamerasBlueToTheModelsFirstChannelAndCustomValuesApply() {
        float[] out = new Normalization("mean=0.5,0,0;std=0.5,1,2", true).toFloats(PIXEL, SHAPE);
        assertEquals((128 / 255.0 - 0.5) / 0.5, out[0], 1e-6, "channel 0: the camera's blue");
        assertEquals(0, out[1], 1e-6);
        assertEquals(1.0 / 2, out[2], 1e-6, "channel 2: the camera's red");
    }

    @Test
    void aBadSpecIsRefusedWithWhatWasExpected() {
        assertThrows(IllegalArgumentException.class, () -> new Normalization("imagenette", false));
        assertThrows(IllegalArgumentException.class, () -> new Normalization("mean=1,2;std=1,1,1", false));
        assertThrows(IllegalArgumentException.class, () -> new Normalization("mean=0,0,0;std=1,0,1", false));
    }
}
