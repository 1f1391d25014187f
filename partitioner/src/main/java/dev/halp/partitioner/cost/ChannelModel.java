package dev.halp.partitioner.cost;

import java.util.SplittableRandom;

/**
 * A time-variant channel for the reliability study: each link's rate is redrawn for every frame (block
 * fading: the coherence time is assumed longer than a frame's transfers, so the rate is constant within
 * a frame and independent, or Markov, across frames).
 */
public sealed interface ChannelModel permits RayleighChannel, GilbertElliottChannel, ChannelModel.Fixed {

    /** The per-link process: successive calls give the rate (Mbps) for successive frames. */
    interface Process {
        double nextMbps();
    }

    /** Starts one link's process from its own random stream. */
    Process start(SplittableRandom random);

    /** The long-run mean rate in Mbps, what a planner that knows only averages would plan with. */
    double meanMbps();

    /**
     * What the last measured rate tells about the next frame's: a key equal for measurements that predict the
     * same distribution (one key for a memoryless channel), and a draw from that distribution. {@code lastMbps}
     * is NaN when nothing was measured yet (the stationary distribution).
     */
    default Object stateOf(double lastMbps) {
        return 0;
    }

    /** A draw of the next frame's rate given the last measured one ({@link #stateOf}). */
    double nextMbps(double lastMbps, SplittableRandom random);

    /** A channel that never changes (the static scenario). */
    record Fixed(double mbps) implements ChannelModel {
        @Override
        public Process start(SplittableRandom random) {
            return () -> mbps;
        }

        @Override
        public double meanMbps() {
            return mbps;
        }

        @Override
        public double nextMbps(double lastMbps, SplittableRandom random) {
            return mbps;
        }
    }
}
