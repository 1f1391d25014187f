package dev.halp.job.bench;

import dev.halp.kafka.record.ResultRecord;
import dev.halp.operators.flink.Participants;
import dev.halp.partitioner.cost.Cluster;
import dev.halp.partitioner.cost.DeviceProfile;
import dev.halp.partitioner.cost.MeasuredProfile;
import dev.halp.partitioner.plan.Participant;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.partitioner.sim.PlanSimulator;
import dev.halp.partitioner.sim.Resources;
import dev.halp.partitioner.sim.Timeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each edge server's speed in the job against its profile. A profile is measured by a lone process under the
 * server's CPU quota; in the job the same server also runs its role (the host: the Kafka source, the split's
 * sends, the merge and the sink; every server: the stream processor's threads and collector), so its model
 * compute runs slower than the profile says, and the host's more than the others'. Calibration runs of the
 * planner's plan measure, per server, the compute time its pieces took (median over the frames of the runs)
 * over the compute the simulator predicts for it from the profile (its pieces, split into interior and borders
 * where the simulator expects that, as the block stages do); the planner then plans, and predicts, with each
 * profile scaled by its factor.
 */
record Calibration(Map<String, Double> factors) {

    /**
     * A server in the job is never faster than the same server alone under the same quota: a factor below 1 is
     * the machine's noise between the profile and the run (seen: 0.95), so factors start at 1; beyond 2 the run
     * is broken, not slow.
     */
    static final double MIN = 1.0;
    static final double MAX = 2.0;

    static Calibration of(SegmentPlan plan, Cluster cluster, List<ResultRecord> results) {
        Map<String, Double> factors = new LinkedHashMap<>();
        Timeline predictedTimeline = new PlanSimulator(cluster, true).run(plan, 1);
        for (int p = 0; p <= plan.secondaries(); p++) {
            double predicted = predictedTimeline.workMillis(Resources.device(Participant.ofNumber(p)));
            String name = Participants.name(p);
            List<Double> measured = new ArrayList<>();
            for (ResultRecord r : results) {
                ResultRecord.EsReport es = r.es.get(name);
                if (es != null && es.computeMs > 0) {
                    measured.add(es.computeMs);
                }
            }
            if (predicted > 0 && !measured.isEmpty()) {
                double m = SpeedupBench.median(measured.stream().mapToDouble(Double::doubleValue).toArray());
                factors.put(name, Math.max(MIN, Math.min(MAX, m / predicted)));
            }
        }
        return new Calibration(factors);
    }

    double factor(String participant) {
        return factors.getOrDefault(participant, 1.0);
    }

    /** The cluster with every server's profile scaled by its factor. */
    Cluster apply(Cluster c) {
        List<DeviceProfile> secondaries = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            secondaries.add(scaled(c.secondaries().get(i), factor(Participants.name(i + 1))));
        }
        return new Cluster(scaled(c.host(), factor("host")), secondaries, c.network(), c.frameBytesPerValue(),
                c.bytesPerValue(), c.exchangeMsPerMb());
    }

    private static DeviceProfile scaled(DeviceProfile p, double factor) {
        return factor == 1.0 ? p : ((MeasuredProfile) p).scaled(p.name() + String.format("x%.3f", factor), factor);
    }
}
