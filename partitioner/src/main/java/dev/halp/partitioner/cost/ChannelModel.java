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
    }
}
