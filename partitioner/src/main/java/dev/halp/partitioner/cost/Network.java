package dev.halp.partitioner.cost;

import java.util.Collections;
import java.util.List;

/**
 * A star around the host: one {@link Link} per secondary. Every HALP, MoDNN and local transfer involves
 * the host, so the host's uplink (sends to secondaries) and downlink (receives from secondaries) are the
 * shared resources: sends queue one after another on the uplink, receptions on the downlink.
 */
public record Network(List<Link> links) {

    public Network {
        links = List.copyOf(links);
    }

    public static Network uniform(int secondaries, Link link) {
        return new Network(Collections.nCopies(secondaries, link));
    }

    public Link link(int secondary) {
        return links.get(secondary);
    }

    public int size() {
        return links.size();
    }

    /** The first {@code n} links (secondaries are used in index order). */
    public Network first(int n) {
        return new Network(links.subList(0, n));
    }
}
