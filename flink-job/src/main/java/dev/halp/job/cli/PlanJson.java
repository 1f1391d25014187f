package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.BlockPlan;
import dev.halp.partitioner.plan.FusedBlock;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.Piece;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.rf.LayerStep;
import dev.halp.partitioner.rf.RowRange;
import dev.halp.partitioner.scheme.SchemePlan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan as JSON: what {@code plan --json/--out} writes, {@code verify --plan} reads and
 * {@code tools/gpu/run_plan.py} executes. Every piece carries its slice program (per layer: input rows,
 * border rows to add, output rows), so a reader needs no receptive-field code.
 */
public final class PlanJson {

    private PlanJson() {
    }

    static Map<String, Object> toMap(SchemePlan p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("scheme", p.scheme());
        o.putAll(toMap(p.plan()));
        o.put("tasks", p.workload().tasks());
        o.put("predicted_ms", round(p.finishMs()));
        o.put("mean_latency_ms", round(p.meanLatencyMs()));
        o.put("local_ms", round(p.localMs()));
        o.put("speedup", round(p.speedup()));
        o.put("secondaries_used", p.secondariesUsed());
        return o;
    }

    public static Map<String, Object> toMap(SegmentPlan plan) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", plan.model().name());
        o.put("height", plan.height());
        o.put("width", plan.width());
        o.put("secondaries", plan.secondaries());
        o.put("exchange", plan.exchange().name());
        List<Object> blocks = new ArrayList<>();
        for (int b = 0; b < plan.blocks().size(); b++) {
            BlockPlan bp = plan.blocks().get(b);
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("first", bp.block().first());
            block.put("last", bp.block().last());
            List<Object> pieces = new ArrayList<>();
            for (Piece piece : bp.pieces()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("owner", piece.owner().isHost() ? "host" : "secondary");
                m.put("index", piece.owner().index());
                m.put("start", piece.rows().start());
                m.put("end", piece.rows().end());
                List<Object> steps = new ArrayList<>();
                for (LayerStep s : plan.program(b, piece)) {
                    steps.add(Map.of("layer", s.layer(), "input_start", s.inputRows().start(),
                            "input_end", s.inputRows().end(), "pad_top", s.padTop(), "pad_bottom", s.padBottom(),
                            "output_start", s.outputRows().start(), "output_end", s.outputRows().end()));
                }
                m.put("steps", steps);
                pieces.add(m);
            }
            block.put("pieces", pieces);
            blocks.add(block);
        }
        o.put("blocks", blocks);
        return o;
    }

    /** Reads a plan written by {@link #toMap}; the result is validated. */
    public static SegmentPlan read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        ModelSpec model = Models.byName(text(root, "model"));
        List<BlockPlan> blocks = new ArrayList<>();
        for (JsonNode b : root.path("blocks")) {
            List<Piece> pieces = new ArrayList<>();
            for (JsonNode p : b.path("pieces")) {
                Participant owner = "host".equals(text(p, "owner")) ? Participant.HOST
                        : Participant.secondary(p.path("index").asInt());
                pieces.add(new Piece(owner, RowRange.of(p.path("start").asInt(), p.path("end").asInt())));
            }
            blocks.add(new BlockPlan(new FusedBlock(b.path("first").asInt(), b.path("last").asInt()), pieces));
        }
        SegmentPlan.Exchange exchange = SegmentPlan.Exchange.valueOf(root.path("exchange").asText("HALO"));
        return new SegmentPlan(model, root.path("height").asInt(), root.path("width").asInt(),
                root.path("secondaries").asInt(), blocks, exchange).validate();
    }

    private static String text(JsonNode node, String field) throws IOException {
        if (!node.hasNonNull(field)) {
            throw new IOException("plan file lacks '" + field + "'");
        }
        return node.get(field).asText();
    }

    static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
