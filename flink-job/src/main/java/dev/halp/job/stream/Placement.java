package dev.halp.job.stream;

import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Where the job's operators run. Every edge-server operator joins one co-location group, so subtask
 * {@code k} of every stage shares participant {@code k}'s slot. The host's extra merge + head instances
 * ({@code --host-parallelism > 1}) get a slot sharing group of their own.
 *
 * <p>With {@code --slot-labels} both groups also request an external resource that only the right
 * TaskManagers offer ({@code bin/halp cluster start} sets them): {@value #EDGE_LABEL} (one per TaskManager,
 * so each TaskManager holds exactly one edge server) and {@value #HOST_LABEL} (only on the host's). Without
 * labels a scheduler with free slots may put two edge servers on one TaskManager. A MiniCluster cannot
 * label its TaskManagers differently, so the embedded run and the tests go without.
 */
final class Placement {

    static final String CO_LOCATION = "halp-edge-servers";
    static final String EDGE_LABEL = "halp-edge";
    static final String HOST_LABEL = "halp-host";
    static final String HOST_GROUP = "host";

    /** An edge server's slot: sized for the model's weights on their way into PyTorch. */
    private static final SlotSharingGroup EDGE = SlotSharingGroup.newBuilder("edge-servers")
            .setCpuCores(1.0).setTaskHeapMemoryMB(512).setExternalResource(EDGE_LABEL, 1).build();
    private static final SlotSharingGroup HOST = SlotSharingGroup.newBuilder(HOST_GROUP)
            .setCpuCores(0.5).setTaskHeapMemoryMB(128).setExternalResource(HOST_LABEL, 1).build();

    private final boolean labels;

    Placement(boolean labels) {
        this.labels = labels;
    }

    void edge(SingleOutputStreamOperator<?> s) {
        s.getTransformation().setCoLocationGroupKey(CO_LOCATION);
        if (labels) {
            s.slotSharingGroup(EDGE);
        }
    }

    void edge(DataStreamSink<?> s) {
        s.getTransformation().setCoLocationGroupKey(CO_LOCATION);
        if (labels) {
            s.slotSharingGroup(EDGE);
        }
    }

    void host(SingleOutputStreamOperator<?> s) {
        if (labels) {
            s.slotSharingGroup(HOST);
        } else {
            s.slotSharingGroup(HOST_GROUP);
        }
    }

    void host(DataStreamSink<?> s) {
        if (labels) {
            s.slotSharingGroup(HOST);
        } else {
            s.slotSharingGroup(HOST_GROUP);
        }
    }
}
