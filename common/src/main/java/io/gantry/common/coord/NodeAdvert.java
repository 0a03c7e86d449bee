package io.gantry.common.coord;

import java.time.Instant;
import java.util.Map;

/**
 * What an agent tells the cluster about its node while it is alive: where it is, which backend it
 * runs, how much it has in all (before overprovisioning), and its traits (free-form key/value
 * pairs that placement can require).
 */
public record NodeAdvert(String node, String address, String backend, NodeCapacity capacity, Map<String, String> traits,
                         Instant since) {
    public NodeAdvert {
        traits = traits == null ? Map.of() : Map.copyOf(traits);
    }
}
