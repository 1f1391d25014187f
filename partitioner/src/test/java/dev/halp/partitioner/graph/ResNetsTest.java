package dev.halp.partitioner.graph;

import dev.halp.partitioner.layer.Conv2dSpec;
import dev.halp.partitioner.layer.GraphBlockSpec;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.rf.ReceptiveField;
import dev.halp.partitioner.rf.RowRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResNetsTest {

    private static long convs(GraphSpec g) {
        return g.nodes().stream().filter(n -> n.layer() instanceof Conv2dSpec).count();
    }

    @Test
    void torchvisionsLayersNamesAndSizes() {
        GraphSpec r18 = ResNets.resnet18();
        GraphSpec r34 = ResNets.resnet34();
        GraphSpec r50 = ResNets.resnet50();
        assertEquals(20, convs(r18), "1 stem + 16 in blocks + 3 downsample");
        assertEquals(36, convs(r34), "1 + 32 + 3");
        assertEquals(53, convs(r50), "1 + 48 + 4");
        List<String> names = r50.nodes().stream().map(GraphNode::name).toList();
        assertTrue(names.containsAll(List.of("conv1", "bn1", "layer1.0.downsample.0", "layer1.0.downsample.1",
                "layer2.0.conv2", "layer4.2.bn3")), names.toString());
        assertEquals(7, r18.heights(224)[r18.nodes().size() - 1]);
        assertEquals(23, r50.heights(720)[r50.nodes().size() - 1], "720 -> 360 -> 180 -> 90 -> 45 -> 23");
        assertEquals("fc", ((dev.halp.partitioner.layer.HeadLayer.Linear) r50.head().get(2)).name());
        assertEquals(2048, ((dev.halp.partitioner.layer.HeadLayer.Linear) r50.head().get(2)).inFeatures());
    }

    @Test
    void blocksEndWhereEveryBranchHasJoined() {
        GraphSpec r18 = ResNets.resnet18();
        List<String> cuts = r18.cutPoints().stream().map(i -> r18.nodes().get(i).name()).toList();
        assertEquals(List.of("conv1", "bn1", "relu", "maxpool", "layer1.0.add", "layer1.0.relu", "layer1.1.add",
                "layer1.1.relu", "layer2.0.add", "layer2.0.relu", "layer2.1.add", "layer2.1.relu", "layer3.0.add",
                "layer3.0.relu", "layer3.1.add", "layer3.1.relu", "layer4.0.add", "layer4.0.relu", "layer4.1.add",
                "layer4.1.relu"), cuts);
    }

    @Test
    void aChainAsAGraphNeedsWhatTheChainCodeSays() {
        var vgg = Models.vgg16();
        GraphSpec g = GraphSpec.chain(vgg);
        int[] chainHeights = vgg.heights(224);
        int[] graphHeights = g.heights(224);
        int last = g.nodes().size() - 1;
        for (RowRange out : List.of(RowRange.of(0, 3), RowRange.of(2, 5), RowRange.of(6, 7))) {
            RowRange viaGraph = GraphReceptiveField.needed(g, graphHeights, 224, -1, last, out).source();
            assertEquals(ReceptiveField.neededRows(vgg, chainHeights, 0, vgg.features().size(), out), viaGraph);
        }
    }

    @Test
    void aDownsampleShortcutAndAStridedConvolutionNeedTheUnionOfTheirRows() {
        GraphSpec r18 = ResNets.resnet18();
        int[] h = r18.heights(224);
        int from = r18.indexOf("layer1.1.relu");
        int to = r18.indexOf("layer2.0.relu");
        // output rows [3, 5) of layer2.0: conv2 (3x3/1) needs rows [2, 6) of conv1, which (3x3/2) reads rows
        // [3, 12) of the block's input; the 1x1/2 shortcut needs rows 6 and 8 of it, inside that: the union is [3, 12)
        GraphReceptiveField.Needs n = GraphReceptiveField.needed(r18, h, 224, from, to, RowRange.of(3, 5));
        assertEquals(RowRange.of(2, 6), n.of(r18.indexOf("layer2.0.conv1")));
        assertEquals(RowRange.of(3, 5), n.of(r18.indexOf("layer2.0.downsample.0")));
        assertEquals(RowRange.of(3, 12), n.source());
    }

    @Test
    void aChainIsItsOwnModelAndAResNetIsAChainOfItsBlocks() {
        assertEquals(Models.vgg16(), GraphSpec.chain(Models.vgg16()).toModel());
        GraphSpec r18 = ResNets.resnet18();
        ModelSpec m = r18.toModel();
        assertEquals(20, m.features().size(), "4 stem layers, then each of 8 blocks and its closing ReLU");
        assertEquals("layer2.0", m.features().get(8).name());
        GraphBlockSpec down = (GraphBlockSpec) m.features().get(8);
        // conv1 3x3/2 then conv2 3x3/1: a 7-row window, stride 2, padding 3, as composing the two gives
        assertEquals(List.of(7, 2, 3), List.of(down.kernel(), down.stride(), down.padding()));
        assertEquals("downsample.0", down.graph().nodes().get(5).name());
        int[] heights = m.heights(224);
        int[] nodeHeights = r18.heights(224);
        List<Integer> cuts = r18.cutPoints();
        for (int p = 0; p < cuts.size(); p++) {
            assertEquals(nodeHeights[cuts.get(p)], heights[p + 1], m.features().get(p).name());
        }
        assertEquals(512, m.channels()[m.features().size()]);
        // a stride-1 basic block: 3x3 then 3x3, a 5-row window
        assertEquals(5, m.features().get(4).kernel());
    }

    @Test
    void aBlocksReceptiveFieldHoldsEveryRowItsBranchesRead() {
        for (GraphSpec g : List.of(ResNets.resnet18(), ResNets.resnet50())) {
            ModelSpec m = g.toModel();
            int[] nodeHeights = g.heights(720);
            int[] heights = m.heights(720);
            List<Integer> cuts = g.cutPoints();
            for (int p = 1; p < cuts.size(); p++) {
                int rows = heights[p + 1];
                for (RowRange out : List.of(RowRange.of(0, 1), RowRange.of(rows / 3, rows / 2), RowRange.of(rows - 2, rows))) {
                    RowRange viaGraph = GraphReceptiveField.needed(g, nodeHeights, 720, cuts.get(p - 1), cuts.get(p), out)
                            .source();
                    RowRange viaModel = ReceptiveField.neededRows(m, heights, p, p + 1, out);
                    assertTrue(viaModel.start() <= viaGraph.start() && viaModel.end() >= viaGraph.end(),
                            m.features().get(p).name() + " " + out + ": " + viaModel + " vs " + viaGraph);
                    assertTrue(viaModel.size() - viaGraph.size() <= 1, "at most the row a clipped branch skips");
                }
            }
        }
    }

    @Test
    void blocksWithoutACommonNamePrefixAreRefused() {
        List<GraphNode> nodes = List.of(
                GraphNode.of(new Conv2dSpec("a", 1, 1, 3, 1, 1, 1, 1, false), GraphNode.INPUT),
                GraphNode.of(new Conv2dSpec("b", 1, 1, 1, 1, 0, 1, 1, false), GraphNode.INPUT),
                GraphNode.add("sum", "a", "b"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new GraphSpec("unnamed", 1, nodes, List.of()).toModel());
        assertTrue(e.getMessage().contains("share no name prefix"), e.getMessage());
    }
}
