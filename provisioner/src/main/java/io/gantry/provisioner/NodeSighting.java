package io.gantry.provisioner;

import io.gantry.common.coord.NodeAdvert;
import java.time.Instant;

/**
 * What the leader last saw of one node: its advert (null when it has not seen one since it leads, e.g. a node lost
 * before), when it last heard from it, whether its advert is there, and how many zones its last report listed
 * (null: no report seen).
 */
record NodeSighting(String node, NodeAdvert advert, Instant lastSeen, boolean alive, Integer reportedZones) {
}
