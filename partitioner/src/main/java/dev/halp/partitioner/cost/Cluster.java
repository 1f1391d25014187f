package dev.halp.partitioner.cost;

import dev.halp.partitioner.plan.Participant;

import java.util.Collections;
import java.util.List;

/**
 * The edge servers of one scenario: the host's and every secondary's device profile, the links between
 * host and secondaries, and how tensors travel (bytes per value of the frame and of feature maps).
 *
 * @param frameBytesPerValue bytes per value of the input frame on the wire (4: fp32 as the executor
 *                           sends it; 1 would be camera RGB8 normalised on the receiver)
 * @param bytesPerValue      bytes per value of feature maps on the wire (4: fp32)
 * @param exchangeMsPerMb    milliseconds each end's device is busy per MB it sends or receives (serialising and
 *                           copying rows in the stream processor: the sender before the link, the receiver
 *                           after); 0 when exchanges cost the devices nothing
 */
public record Cluster(DeviceProfile host, List<DeviceProfile> secondaries, Network network,
                      int frameBytesPerValue, int bytesPerValue, double exchangeMsPerMb) {

    /** A cluster whose exchanges cost the devices nothing. */
    public Cluster(DeviceProfile host, List<DeviceProfile> secondaries, Network network, int frameBytesPerValue,
                   int bytesPerValue) {
        this(host, secondaries, network, frameBytesPerValue, bytesPerValue, 0);
    }

    public Cluster {
        if (!(exchangeMsPerMb >= 0)) {
            throw new IllegalArgumentException("exchange cost must not be negative, got " + exchangeMsPerMb);
        }
        secondaries = List.copyOf(secondaries);
        if (network.size() != secondaries.size()) {
            throw new IllegalArgumentException(secondaries.size() + " secondaries but " + network.size() + " links");
        }
        if (frameBytesPerValue <= 0 || bytesPerValue <= 0) {
            throw new IllegalArgumentException("bytes per value must be positive");
        }
    }

    /** A host and {@code n} identical secondaries behind identical links, fp32 on the wire. */
    public static Cluster uniform(DeviceProfile host, DeviceProfile secondary, int n, Link link) {
        return new Cluster(host, Collections.nCopies(n, secondary), Network.uniform(n, link), 4, 4);
    }

    public int size() {
        return secondaries.size();
    }

    public DeviceProfile device(Participant p) {
        return p.isHost() ? host : secondaries.get(p.index());
    }

    /** The host and its first {@code n} secondaries. */
    public Cluster first(int n) {
        return new Cluster(host, secondaries.subList(0, n), network.first(n), frameBytesPerValue, bytesPerValue,
                exchangeMsPerMb);
    }

    public Cluster withNetwork(Network other) {
        return new Cluster(host, secondaries, other, frameBytesPerValue, bytesPerValue, exchangeMsPerMb);
    }
}
