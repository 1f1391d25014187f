package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halp.partitioner.cost.MeasuredLayer;
import dev.halp.partitioner.cost.MeasuredProfile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the {@code shared/profiles} format: {@code description}, {@code device},
 * {@code framework}, optional {@code full_frame_ms} and {@code host_device_copy_ms} (kept informative), and
 * {@code tables}: key {@code HxW_bBATCH_DTYPE} to the list of feature layers, each with {@code idx},
 * {@code type}, {@code in_shape} (NCHW) and {@code ms_by_rows} (rows as a string to milliseconds).
 */
public final class ProfileCodec {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProfileCodec() {
    }

    /** The informative {@code head_ms} of a profile file for one table key, or NaN when it has none. */
    public static double headMs(Path file, String key) throws IOException {
        return JSON.readTree(file.toFile()).path("head_ms").path(key).asDouble(Double.NaN);
    }

    static MeasuredProfile read(InputStream in, String name, String dtype) throws IOException {
        JsonNode root = JSON.readTree(in);
        JsonNode tables = root.path("tables");
        if (!tables.isObject() || tables.isEmpty()) {
            throw new IOException("profile " + name + " has no 'tables' object");
        }
        Map<String, List<MeasuredLayer>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<MeasuredLayer> layers = new ArrayList<>();
            for (JsonNode l : e.getValue()) {
                long[] shape = new long[l.path("in_shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = l.path("in_shape").get(i).asLong();
                }
                Map<Integer, Double> ms = new TreeMap<>();
                l.path("ms_by_rows").fields().forEachRemaining(r -> ms.put(Integer.parseInt(r.getKey()),
                        r.getValue().asDouble()));
                layers.add(new MeasuredLayer(l.path("idx").asInt(), l.path("type").asText(), shape, ms));
            }
            out.put(e.getKey(), layers);
        }
        return new MeasuredProfile(name, root.path("device").asText(name), root.path("framework").asText(""),
                root.path("description").asText(""), dtype, 1.0, out);
    }

    static void write(MeasuredProfile p, Map<String, Double> fullFrameMs, Map<String, Double> headMs, Path file)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("description", p.description());
        root.put("device", p.device());
        root.put("framework", p.framework());
        ObjectNode full = root.putObject("full_frame_ms");
        fullFrameMs.forEach(full::put);
        ObjectNode head = root.putObject("head_ms");
        headMs.forEach(head::put);
        ObjectNode tables = root.putObject("tables");
        p.tables().forEach((key, layers) -> {
            ArrayNode list = tables.putArray(key);
            for (MeasuredLayer l : layers) {
                ObjectNode o = list.addObject();
                o.put("idx", l.idx());
                o.put("type", l.type());
                ArrayNode shape = o.putArray("in_shape");
                for (long d : l.inShape()) {
                    shape.add(d);
                }
                ObjectNode ms = o.putObject("ms_by_rows");
                l.msByRows().forEach((r, t) -> ms.put(Integer.toString(r), t));
            }
        });
        JSON.writeValue(file.toFile(), root);
    }
}
