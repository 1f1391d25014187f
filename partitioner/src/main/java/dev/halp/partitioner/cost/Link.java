package dev.halp.partitioner.cost;

/**
 * The link between the host and one secondary, the same both ways. A message of {@code n} bytes keeps the
 * sender's side of the link busy for {@code n*8 / bandwidth} (serialisation) and arrives {@code latency}
 * later; latency does not keep the link busy, so back-to-back messages pipeline.
 */
public record Link(double bandwidthMbps, double latencyMs) {

    public Link {
        if (!(bandwidthMbps > 0) || latencyMs < 0 || Double.isNaN(latencyMs)) {
            throw new IllegalArgumentException("link needs bandwidth > 0 and latency >= 0, got " + bandwidthMbps
                    + " Mbps, " + latencyMs + " ms");
        }
    }

    /** Milliseconds the link is busy sending {@code bytes}. */
    public double serialisationMillis(long bytes) {
        return bytes * 8.0 / (bandwidthMbps * 1000.0);
    }

    public Link withBandwidth(double mbps) {
        return new Link(mbps, latencyMs);
    }
}
