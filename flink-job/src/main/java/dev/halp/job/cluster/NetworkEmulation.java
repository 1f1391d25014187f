package dev.halp.job.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test hosts on this machine: one network namespace per TaskManager, each joined to a bridge by a veth pair
 * whose two ends are shaped with a token bucket ({@code tc tbf}) at the link rate, so TaskManager traffic
 * crosses a real (emulated) link. Needs root and Linux; addresses stay on this machine (10.77.0.0/24).
 */
public final class NetworkEmulation {

    public static final String BRIDGE = "halpbr0";
    public static final String GATEWAY = "10.77.0.1";

    private NetworkEmulation() {
    }

    /** The namespace of a node: {@code halp-<node>}. */
    public static String namespace(String node) {
        return "halp-" + node;
    }

    /** The address of the {@code index}-th namespaced node. */
    public static String address(int index) {
        return "10.77.0." + (10 + index);
    }

    /** Creates the bridge (once) and the namespace of {@code node} with its shaped veth link. */
    public static void addNode(String node, int index, int bandwidthMbps, double delayMs) throws IOException {
        if (!run(false, "ip", "link", "show", BRIDGE)) {
            run(true, "ip", "link", "add", BRIDGE, "type", "bridge");
            run(true, "ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
            run(true, "ip", "link", "set", BRIDGE, "up");
        }
        String ns = namespace(node);
        String outside = "hv-" + node;
        String inside = "hn-" + node;
        removeNode(node);
        run(true, "ip", "netns", "add", ns);
        run(true, "ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
        run(true, "ip", "link", "set", inside, "netns", ns);
        run(true, "ip", "link", "set", outside, "master", BRIDGE, "up");
        run(true, "ip", "-n", ns, "addr", "add", address(index) + "/24", "dev", inside);
        run(true, "ip", "-n", ns, "link", "set", inside, "up");
        run(true, "ip", "-n", ns, "link", "set", "lo", "up");
        shape(null, outside, bandwidthMbps, delayMs);
        shape(ns, inside, bandwidthMbps, delayMs);
    }

    /** Deletes the namespace and its link; no error when they are gone already. */
    public static void removeNode(String node) throws IOException {
        run(false, "ip", "netns", "del", namespace(node));
        run(false, "ip", "link", "del", "hv-" + node);
    }

    /** Deletes the bridge once no node uses it. */
    public static void removeBridge() throws IOException {
        run(false, "ip", "link", "del", BRIDGE);
    }

    /** Changes a node's link rate on the fly (both directions), e.g. for a time-variant channel. */
    public static void reshape(String node, int bandwidthMbps, double delayMs) throws IOException {
        shape(null, "hv-" + node, bandwidthMbps, delayMs);
        shape(namespace(node), "hn-" + node, bandwidthMbps, delayMs);
    }

    /** The command prefix that runs a process inside the node's namespace. */
    public static List<String> exec(String node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    private static void shape(String ns, String dev, int bandwidthMbps, double delayMs) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns));
        }
        cmd.addAll(List.of("tc", "qdisc", "replace", "dev", dev, "root"));
        if (delayMs > 0) {
            // netem adds the propagation delay; it needs the sch_netem kernel module
            cmd.addAll(List.of("netem", "delay", delayMs + "ms", "rate", bandwidthMbps + "mbit", "limit", "100000"));
        } else {
            // burst 128 KiB: above one 64 KiB GSO segment (a burst smaller than a packet stalls it); bench hops at
            // 1 Gbit/s: 14.9 ms per MB with a 32 KiB burst, 11.9 with this one
            cmd.addAll(List.of("tbf", "rate", bandwidthMbps + "mbit", "burst", "1mbit", "latency", "50ms"));
        }
        if (!run(false, cmd.toArray(String[]::new))) {
            throw new IOException(delayMs > 0
                    ? "--delay-ms: the netem qdisc is not available here (kernel module sch_netem); use --delay-ms 0"
                    : "--bandwidth-mbps: tc could not shape " + dev + " (is this root on Linux?)");
        }
    }

    /** Runs a command; returns whether it succeeded, or throws when {@code must} and it failed. */
    static boolean run(boolean must, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            int rc = p.waitFor();
            if (rc != 0 && must) {
                throw new IOException(String.join(" ", command) + " failed (" + rc + "): " + out);
            }
            return rc == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
