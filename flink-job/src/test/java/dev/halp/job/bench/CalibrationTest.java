package dev.halp.job.bench;

import dev.halp.job.cli.Profiles;
import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.flink.Participants;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.Link;
import dev.halp.partitioner.cost.Network;
import dev.halp.partitioner.model.Models;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.scheme.HalpScheme;
import dev.halp.partitioner.scheme.LocalScheme;
import dev.halp.partitioner.scheme.Workload;
import dev.halp.partitioner.sim.PlanSimulator;
import dev.halp.partitioner.sim.Resources;
import dev.halp.partitioner.sim.Timeline;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Calibration from a run's results, and the plans simulated at a round's speeds. Links that cost nothing make
 * every time in a plan compute, so servers slower by a factor must make the whole timeline slower by that factor.
 */
class CalibrationTest {

    private static final DeviceProfile H100 = Profiles.byNameOrFile("h100");
    private static final Cluster PROFILED = new Cluster(H100, List.of(H100, H100),
            Network.uniform(2, new Link(1e9, 0)), 4, 4);
    private static final Workload FRAME = Workload.single(Models.vgg16(), 448, 448);

    /** Results whose servers each computed {@code factor} times what the simulator predicts for them. */
    private static List<ResultRecord> results(SegmentPlan plan, double factor) {
        Timeline predicted = new PlanSimulator(PROFILED, true).run(plan, 1);
        ResultRecord r = new ResultRecord();
        for (int p = 0; p <= plan.secondaries(); p++) {
            double work = predicted.workMillis(Resources.device(Participant.ofNumber(p)));
            if (work > 0) {
                ResultRecord.EsReport es = new ResultRecord.EsReport();
                es.computeMs = work * factor;
                r.es.put(Participants.name(p), es);
            }
        }
        return List.of(r, r, r);
    }

    @Test
    void aServerSlowerInTheJobGetsThatFactorWithinBounds() {
        SegmentPlan plan = new HalpScheme().plan(FRAME, PROFILED).plan();
        Calibration slower = Calibration.of(plan, PROFILED, results(plan, 1.3));
        // every server the plan gives work (on H100 tables the planner uses the host and one secondary)
        org.junit.jupiter.api.Assertions.assertTrue(slower.factors().size() >= 2, slower.factors().toString());
        slower.factors().forEach((server, f) -> assertEquals(1.3, f, 1e-9, server));
        assertEquals(Calibration.MIN, Calibration.of(plan, PROFILED, results(plan, 0.8)).factor("host"), 1e-9,
                "never faster than alone under the same quota");
        assertEquals(Calibration.MAX, Calibration.of(plan, PROFILED, results(plan, 3.0)).factor("host"), 1e-9);
    }

    @Test
    void plansSimulatedAtARoundsSpeedsScaleWithThem() {
        SegmentPlan halp = new HalpScheme().plan(FRAME, PROFILED).plan();
        SegmentPlan local = new LocalScheme().plan(FRAME, PROFILED).plan();
        double head = 10;
        double halpMs = new PlanSimulator(PROFILED, true).run(halp, 1).makespan() + head;
        double localMs = new LocalScheme().plan(FRAME, PROFILED).finishMs() + head;
        Map<String, SchemeRun.Outcome> round = Map.of(
                "halp", new SchemeRun.Outcome("halp", new double[] {1}, Map.of(), Map.of(), Map.of(), 0, results(halp, 1.25)),
                "local", new SchemeRun.Outcome("local", new double[] {1}, Map.of(), Map.of(), Map.of(), 0, results(local, 1.5)));
        Map<String, Double> simulated = SpeedupBench.atRoundSpeeds(round,
                Map.of("halp", new SpeedupBench.Prediction(halpMs, halp)), local, FRAME, PROFILED, head);
        assertEquals(1.25 * halpMs, simulated.get("halp"), 1e-3 * halpMs);
        assertEquals(1.5 * localMs, simulated.get("local"), 1e-3 * localMs);
    }
}
