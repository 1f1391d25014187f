package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.partitioner.cost.ChannelModel;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.FlopProfile;
import dev.halp.partitioner.cost.GilbertElliottChannel;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.cost.Network;
import dev.halp.partitioner.cost.RayleighChannel;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulation scenario file (see {@code scenarios/paper.json}): model and frame, device profiles (FLOP
 * models or profile files), host/secondary pairings, bandwidths, tasks per batch, the secondaries sweep and
 * the reliability study's channels and deadlines. A malformed file fails with the field it lacks.
 */
record Scenario(String name, ModelSpec model, int height, int width, double latencyMs, int frameBytes,
                int bytes, Map<String, DeviceProfile> devices, List<String[]> clusters, int secondaries,
                double[] bandwidths, int[] tasks, int[] sweep, double sweepBandwidth,
                String reliabilityCluster, int reliabilitySecondaries, int frames, long seed, double[] deadlines,
                Map<String, ChannelModel> channels) {

    /** The same scenario for another model (its frame size, devices, links and deadlines unchanged). */
    Scenario withModel(ModelSpec other) {
        return new Scenario(name, other, height, width, latencyMs, frameBytes, bytes, devices, clusters, secondaries,
                bandwidths, tasks, sweep, sweepBandwidth, reliabilityCluster, reliabilitySecondaries, frames, seed,
                deadlines, channels);
    }

    static Scenario load(String fileOrName) throws IOException {
        Path file = Path.of(fileOrName);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return parse(new ObjectMapper().readTree(in));
            }
        }
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/" + fileOrName + ".json")) {
            if (in == null) {
                throw new IOException("'" + fileOrName + "' is neither a scenario file nor a built-in scenario (paper)");
            }
            return parse(new ObjectMapper().readTree(in));
        }
    }

    static Scenario parse(JsonNode r) throws IOException {
        Map<String, DeviceProfile> devices = new LinkedHashMap<>();
        for (var it = need(r, "devices").fields(); it.hasNext(); ) {
            var e = it.next();
            devices.put(e.getKey(), device(e.getKey(), e.getValue()));
        }
        List<String[]> clusters = new ArrayList<>();
        for (JsonNode c : need(r, "clusters")) {
            String host = need(c, "host").asText();
            String secondary = need(c, "secondary").asText();
            if (!devices.containsKey(host) || !devices.containsKey(secondary)) {
                throw new IOException("cluster " + c.path("name").asText() + " names an undefined device");
            }
            clusters.add(new String[] {need(c, "name").asText(), host, secondary});
        }
        JsonNode rel = need(r, "reliability");
        Map<String, ChannelModel> channels = new LinkedHashMap<>();
        for (JsonNode c : need(rel, "channels")) {
            channels.put(need(c, "name").asText(), channel(c));
        }
        JsonNode sweep = need(r, "secondaries_sweep");
        return new Scenario(need(r, "name").asText(), Models.byName(need(r, "model").asText()),
                need(r, "height").asInt(), need(r, "width").asInt(), r.path("latency_ms").asDouble(0.1),
                r.path("frame_bytes_per_value").asInt(4), r.path("bytes_per_value").asInt(4), devices, clusters,
                need(r, "secondaries").asInt(), doubles(need(r, "bandwidths_mbps")), ints(need(r, "tasks")),
                ints(need(sweep, "values")), need(sweep, "bandwidth_mbps").asDouble(),
                need(rel, "cluster").asText(), need(rel, "secondaries").asInt(), need(rel, "frames").asInt(),
                rel.path("seed").asLong(7), doubles(need(rel, "deadlines_ms")), channels);
    }

    /** The named pairing with {@code n} secondaries behind identical links. */
    Cluster cluster(String[] pairing, int n, double mbps) {
        return new Cluster(devices.get(pairing[1]), Collections.nCopies(n, devices.get(pairing[2])),
                Network.uniform(n, new Link(mbps, latencyMs)), frameBytes, bytes);
    }

    String[] pairing(String name) {
        return clusters.stream().filter(c -> c[0].equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("reliability cluster '" + name + "' is not defined"));
    }

    private static DeviceProfile device(String name, JsonNode d) throws IOException {
        String type = need(d, "type").asText();
        return switch (type) {
            case "flop" -> new FlopProfile(name, need(d, "effective_gflops").asDouble(),
                    need(d, "memory_gbps").asDouble(), need(d, "overhead_ms").asDouble(), 4);
            case "table" -> Profiles.byNameOrFile(need(d, "file").asText());
            default -> throw new IOException("device " + name + ": type must be flop or table, got " + type);
        };
    }

    private static ChannelModel channel(JsonNode c) throws IOException {
        String type = need(c, "type").asText();
        return switch (type) {
            case "rayleigh" -> new RayleighChannel(need(c, "bandwidth_mhz").asDouble(),
                    need(c, "mean_snr_db").asDouble(), c.path("cap_mbps").asDouble(Double.POSITIVE_INFINITY));
            case "gilbert-elliott" -> new GilbertElliottChannel(need(c, "good_mbps").asDouble(),
                    need(c, "bad_mbps").asDouble(), need(c, "p_good_to_bad").asDouble(),
                    need(c, "p_bad_to_good").asDouble());
            case "fixed" -> new ChannelModel.Fixed(need(c, "mbps").asDouble());
            default -> throw new IOException("channel type must be rayleigh, gilbert-elliott or fixed, got " + type);
        };
    }

    private static JsonNode need(JsonNode node, String field) throws IOException {
        if (!node.hasNonNull(field)) {
            throw new IOException("scenario lacks '" + field + "'");
        }
        return node.get(field);
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }
}
