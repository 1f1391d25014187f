package dev.halp.job.cli;

import dev.halp.partitioner.sim.ReliabilityStudy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The PNG plots of {@code simulate}: Local, MoDNN and HALP on the same axes in each. */
final class SimulationPlots {

    private SimulationPlots() {
    }

    static void write(Path dir, Scenario sc, List<SimulateCommand.Row> rows, List<ReliabilityStudy.Point> reliability,
                      List<String> channelOf) throws IOException {
        for (String[] pairing : sc.clusters()) {
            String device = pairing[0];
            String file = device.replaceAll("[^A-Za-z0-9]+", "-");
            Charts bw = new Charts("Speedup vs bandwidth, " + device + ", " + sc.secondaries() + " secondaries",
                    "bandwidth (Mbps)", "speedup over the host alone", true);
            Charts n = new Charts("Speedup vs secondaries, " + device + ", " + (long) sc.sweepBandwidth() + " Mbps, 1 task",
                    "secondaries", "speedup over the host alone", false);
            for (SimulateCommand.Row r : rows) {
                if (!r.device().equals(device)) {
                    continue;
                }
                if (!r.sweep()) {
                    bw.add(r.scheme() + ", " + r.tasks() + " task" + (r.tasks() == 1 ? "" : "s"), r.bandwidthMbps(),
                            r.speedup());
                }
                if (r.sweep()) {
                    n.add(r.scheme(), r.secondaries(), r.speedup());
                }
            }
            bw.save(dir.resolve("speedup-vs-bandwidth-" + file + ".png"));
            n.save(dir.resolve("speedup-vs-secondaries-" + file + ".png"));
        }
        for (String channel : sc.channels().keySet()) {
            Charts c = new Charts("Hit ratio vs deadline, " + channel + " channel, " + sc.reliabilityCluster(),
                    "deadline (ms)", "frames finished in time", false);
            for (int i = 0; i < reliability.size(); i++) {
                if (channelOf.get(i).equals(channel)) {
                    c.add(reliability.get(i).scheme(), reliability.get(i).deadlineMs(), reliability.get(i).hitRatio());
                }
            }
            c.save(dir.resolve("reliability-" + channel + ".png"));
        }
    }
}
