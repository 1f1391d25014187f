package dev.halp.job.cli;

import dev.halp.operators.exec.SegmentedInference;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.plan.Transfer;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table {@code verify} prints: every piece of every block with the rows it read and computed, and the
 * halo overhead: rows computed beyond the rows of the layers themselves (rows computed twice).
 */
final class VerifyReport {

    private final SegmentPlan plan;
    private final SegmentedInference.Result result;

    VerifyReport(SegmentPlan plan, SegmentedInference.Result result) {
        this.plan = plan;
        this.result = result;
    }

    void print(PrintWriter out) {
        out.printf("%-5s %-10s %-12s %-11s %-11s %9s %9s%n", "block", "layers", "piece", "out rows", "in rows",
                "computed", "ms");
        for (SegmentedInference.PieceRun run : result.pieces()) {
            var fb = plan.blocks().get(run.block()).block();
            out.printf("%-5d %-10s %-12s %-11s %-11s %9d %9.1f%n", run.block(), fb.first() + ".." + (fb.last() - 1),
                    run.piece().isZone() ? "host zone" : "secondary " + run.piece().owner().index(),
                    run.piece().rows(), run.inputRows(), run.rowsComputed(), run.millis());
        }
        Map<String, Object> halo = haloSummary();
        out.printf("rows computed %s over layers holding %s rows: %s computed twice (%.1f%%); bytes moved %d%n",
                halo.get("rows_computed"), halo.get("rows_in_layers"), halo.get("rows_redundant"),
                100.0 * (double) halo.get("redundant_fraction"), result.bytesMoved());
    }

    /** Rows computed in total, per participant, and how many of them were computed more than once. */
    Map<String, Object> haloSummary() {
        int[] heights = plan.layerHeights();
        long inLayers = 0;
        for (int l = 1; l < heights.length; l++) {
            inLayers += heights[l];
        }
        long computed = 0;
        Map<String, Long> byParticipant = new TreeMap<>();
        for (SegmentedInference.PieceRun run : result.pieces()) {
            computed += run.rowsComputed();
            Participant p = run.piece().owner();
            byParticipant.merge(p.isHost() ? "host" : "secondary_" + p.index(), (long) run.rowsComputed(), Long::sum);
        }
        Map<String, Long> bytesIn = new TreeMap<>();
        for (Map.Entry<Transfer, Long> e : result.transferBytes().entrySet()) {
            Participant to = e.getKey().to();
            bytesIn.merge(to.isHost() ? "host" : "secondary_" + to.index(), e.getValue(), Long::sum);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rows_in_layers", inLayers);
        o.put("rows_computed", computed);
        o.put("rows_redundant", computed - inLayers);
        o.put("redundant_fraction", inLayers == 0 ? 0.0 : (double) (computed - inLayers) / inLayers);
        o.put("rows_computed_by", byParticipant);
        o.put("bytes_received_by", bytesIn);
        return o;
    }
}
