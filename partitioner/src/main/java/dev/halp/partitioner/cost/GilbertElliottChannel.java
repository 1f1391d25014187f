package dev.halp.partitioner.cost;

import java.util.SplittableRandom;

/**
 * A two-state Gilbert–Elliott chain: a good state at {@code goodMbps} and a bad (congested or shadowed)
 * state at {@code badMbps}; between frames the chain moves good→bad with probability {@code pGoodToBad}
 * and bad→good with {@code pBadToGood}. Each link starts in its stationary distribution, so bad frames
 * come in bursts of mean length {@code 1/pBadToGood}.
 */
public record GilbertElliottChannel(double goodMbps, double badMbps, double pGoodToBad, double pBadToGood)
        implements ChannelModel {

    public GilbertElliottChannel {
        if (!(goodMbps > 0) || !(badMbps > 0) || !(pGoodToBad > 0 && pGoodToBad <= 1)
                || !(pBadToGood > 0 && pBadToGood <= 1)) {
            throw new IllegalArgumentException("gilbert-elliott channel needs rates > 0 and probabilities in (0, 1]");
        }
    }

    /** Long-run probability of the bad state. */
    public double badProbability() {
        return pGoodToBad / (pGoodToBad + pBadToGood);
    }

    @Override
    public Process start(SplittableRandom random) {
        boolean[] bad = {random.nextDouble() < badProbability()};
        return () -> {
            double rate = bad[0] ? badMbps : goodMbps;
            bad[0] = bad[0] ? random.nextDouble() >= pBadToGood : random.nextDouble() < pGoodToBad;
            return rate;
        };
    }

    /** The chain's state: bad when the last rate was the bad one, unknown (stationary) before any measurement. */
    @Override
    public Object stateOf(double lastMbps) {
        return Double.isNaN(lastMbps) ? "stationary" : lastMbps <= badMbps ? "bad" : "good";
    }

    @Override
    public double nextMbps(double lastMbps, SplittableRandom random) {
        Object state = stateOf(lastMbps);
        double pBad = state.equals("stationary") ? badProbability() : state.equals("bad") ? 1 - pBadToGood : pGoodToBad;
        return random.nextDouble() < pBad ? badMbps : goodMbps;
    }

    @Override
    public double meanMbps() {
        return badProbability() * badMbps + (1 - badProbability()) * goodMbps;
    }
}
