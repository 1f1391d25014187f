package dev.halp.partitioner.cost;

import java.util.SplittableRandom;

/**
 * Rayleigh block fading with a Shannon rate: per frame the power gain {@code g} is exponential with mean 1
 * (the squared magnitude of a unit-variance complex Gaussian), and the rate is
 * {@code bandwidth * log2(1 + snr * g)}, capped at {@code capMbps} (the radio's top modulation rate).
 *
 * @param bandwidthMHz channel bandwidth W
 * @param meanSnrDb    mean received SNR
 * @param capMbps      highest rate the link reaches (Infinity for none)
 */
public record RayleighChannel(double bandwidthMHz, double meanSnrDb, double capMbps) implements ChannelModel {

    private static final int MEAN_SAMPLES = 20_000;

    public RayleighChannel {
        if (!(bandwidthMHz > 0) || !(capMbps > 0)) {
            throw new IllegalArgumentException("rayleigh channel needs bandwidth_mhz > 0 and cap_mbps > 0");
        }
    }

    /** Rate in Mbps for a power gain. */
    public double rateMbps(double gain) {
        double snr = Math.pow(10, meanSnrDb / 10);
        return Math.min(capMbps, bandwidthMHz * Math.log(1 + snr * gain) / Math.log(2));
    }

    @Override
    public Process start(SplittableRandom random) {
        return () -> rateMbps(-Math.log(1 - random.nextDouble()));
    }

    /** Independent across frames: the last rate says nothing about the next. */
    @Override
    public double nextMbps(double lastMbps, SplittableRandom random) {
        return rateMbps(-Math.log(1 - random.nextDouble()));
    }

    @Override
    public double meanMbps() {
        // deterministic quadrature over the exponential's quantiles
        double sum = 0;
        for (int i = 0; i < MEAN_SAMPLES; i++) {
            sum += rateMbps(-Math.log(1 - (i + 0.5) / MEAN_SAMPLES));
        }
        return sum / MEAN_SAMPLES;
    }
}
