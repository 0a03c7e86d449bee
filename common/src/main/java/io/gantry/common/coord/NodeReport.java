package io.gantry.common.coord;

import io.gantry.common.ZoneState;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** What really runs on a node, as its agent last saw it. The node is the truth for what it runs. */
public record NodeReport(String node, Map<UUID, ReportedZone> zones, Instant at) {
    public NodeReport {
        zones = zones == null ? Map.of() : Map.copyOf(zones);
    }

    public record ReportedZone(ZoneState state, String ip) {
    }
}
