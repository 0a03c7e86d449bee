package io.gantry.common.coord;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.gantry.common.GantryVersion;
import io.gantry.common.net.NodeUnderlay;
import java.time.Instant;
import java.util.Map;

/**
 * What an agent tells the cluster about its node while it is alive: where it is, which backend it
 * runs, how much it has in all (before overprovisioning), its traits (free-form key/value
 * pairs that placement can require), the agent's Gantry version (null in adverts of agents
 * older than the field), and its underlay (where other nodes send its overlay traffic; null where none is known).
 */
public record NodeAdvert(String node, String address, String backend, NodeCapacity capacity, Map<String, String> traits,
                         Instant since, String version, NodeUnderlay underlay) {
    @JsonCreator
    public NodeAdvert {
        traits = traits == null ? Map.of() : Map.copyOf(traits);
    }

    /** An advert without an underlay (a node that carries no tenant network traffic, or an agent older than the field). */
    public NodeAdvert(String node, String address, String backend, NodeCapacity capacity, Map<String, String> traits,
                      Instant since, String version) {
        this(node, address, backend, capacity, traits, since, version, null);
    }

    /** This advert with the node's underlay. */
    public NodeAdvert withUnderlay(NodeUnderlay newUnderlay) {
        return new NodeAdvert(node, address, backend, capacity, traits, since, version, newUnderlay);
    }

    /** An advert of this Gantry's version ({@link GantryVersion#current()}). */
    public NodeAdvert(String node, String address, String backend, NodeCapacity capacity, Map<String, String> traits, Instant since) {
        this(node, address, backend, capacity, traits, since, GantryVersion.current());
    }
}
