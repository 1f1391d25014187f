package dev.halp.partitioner.model;

import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.LayerSpec;
import dev.halp.partitioner.plan.FusedBlocks;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsTest {

    @Test
    void vgg16MatchesTorchvisionLayout() {
        ModelSpec vgg = Models.vgg16();
        assertEquals(31, vgg.features().size());
        assertEquals(13, vgg.features().stream().filter(l -> l instanceof Conv2dSpec).count());
        assertEquals("features.28", vgg.features().get(28).name());
        assertTrue(vgg.features().get(28) instanceof Conv2dSpec);
        int[] h = vgg.heights(224);
        assertEquals(7, h[31]);
        assertEquals(512, vgg.channels()[31]);
        assertEquals(22, vgg.heights(720)[31]);
        assertEquals(40, vgg.widths(1280)[31]);
        assertEquals(5, FusedBlocks.perStage(vgg).size());
    }

    @Test
    void vgg16ReceptiveFieldsMatchThePublishedValues() {
        ModelSpec vgg = Models.vgg16();
        int[] h = vgg.heights(1024);
        // one row in the middle of a large frame: conv5_3 (layer 28) sees 196 rows, pool5 (layer 30) 212
        assertEquals(196, ReceptiveField.neededRows(vgg, h, 0, 29, RowRange.of(32, 33)).size());
        assertEquals(212, ReceptiveField.neededRows(vgg, h, 0, 31, RowRange.of(16, 17)).size());
    }

    @Test
    void mobileNetHasFiveStridedDepthwiseLayersAndEndsAtSevenRows() {
        ModelSpec m = Models.mobileNetV1();
        long stridedDepthwise = m.features().stream()
                .filter(l -> l instanceof Conv2dSpec c && c.groups() == c.inChannels() && c.groups() > 1)
                .filter(l -> l.stride() == 2).count();
        assertEquals(4, stridedDepthwise, "dw stride-2 layers (plus the stride-2 stem make 5 halvings)");
        assertEquals(7, m.heights(224)[m.features().size()]);
        assertEquals(1024, m.channels()[m.features().size()]);
    }

    @Test
    void vgg11AndTinyBuild() {
        assertEquals(8, Models.vgg11().features().stream().filter(l -> l instanceof Conv2dSpec).count());
        assertEquals(6, Models.vgg11().heights(200)[21]);
        ModelSpec tiny = Models.tiny();
        assertEquals(16, tiny.channels()[tiny.features().size()]);
    }

    @Test
    void tooSmallFramesAndUnknownModelsAreRejected() {
        ModelSpec vgg = Models.vgg16();
        assertEquals(32, vgg.minimumInputSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vgg.heights(31));
        assertTrue(e.getMessage().contains("minimum is 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.byName("resnet"));
        for (String name : Models.names()) {
            for (LayerSpec l : Models.byName(name).features()) {
                // torchvision's module names: features.N in VGG and MobileNet, conv1 .. layer4.1 in ResNets
                assertTrue(l.name().startsWith(name.startsWith("resnet") ? "" : "features."), l.name());
                assertTrue(l.name().matches("(features\\.\\d+|conv1|bn1|relu|maxpool|layer[1-4]\\.\\d+(\\.relu)?)"),
                        name + ": " + l.name());
            }
        }
    }
}
