package dev.halp.operators.cnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link ExactSlices} has done: geometries probed and the whole-shape fallback's runs and time per layer. */
public final class SliceStats {

    /** The fallback's work on one layer: geometries that needed it, slice runs in that shape and their time. */
    public record LayerCost(String layer, int geometries, long runs, double millis) {
    }

    /** A snapshot: geometries probed (and how many of them fell back), probe time, and the fallback's cost. */
    public record Report(int probed, int fallbackGeometries, double probeMillis, List<LayerCost> fallbacks) {

        public double fallbackMillis() {
            return fallbacks.stream().mapToDouble(LayerCost::millis).sum();
        }

        /** The fallback's runs and time since {@code earlier}, per layer that ran in that shape in between. */
        public List<LayerCost> since(Report earlier) {
            Map<String, LayerCost> before = new LinkedHashMap<>();
            earlier.fallbacks.forEach(c -> before.put(c.layer(), c));
            List<LayerCost> out = new ArrayList<>();
            for (LayerCost c : fallbacks) {
                LayerCost b = before.getOrDefault(c.layer(), new LayerCost(c.layer(), 0, 0, 0));
                if (c.runs() > b.runs()) {
                    out.add(new LayerCost(c.layer(), c.geometries(), c.runs() - b.runs(), c.millis() - b.millis()));
                }
            }
            return out;
        }
    }

    private static final class Counter {
        int geometries;
        long runs;
        long nanos;
    }

    private final Map<String, Counter> byLayer = new LinkedHashMap<>();
    private int probed;
    private int fallbackGeometries;
    private long probeNanos;

    synchronized void probed(String layer, boolean direct, long nanos) {
        probed++;
        probeNanos += nanos;
        if (!direct) {
            fallbackGeometries++;
            byLayer.computeIfAbsent(layer, k -> new Counter()).geometries++;
        }
    }

    synchronized void fallback(String layer, long nanos) {
        Counter c = byLayer.computeIfAbsent(layer, k -> new Counter());
        c.runs++;
        c.nanos += nanos;
    }

    synchronized Report report() {
        List<LayerCost> costs = new ArrayList<>();
        byLayer.forEach((layer, c) -> costs.add(new LayerCost(layer, c.geometries, c.runs, c.nanos / 1e6)));
        return new Report(probed, fallbackGeometries, probeNanos / 1e6, List.copyOf(costs));
    }
}
