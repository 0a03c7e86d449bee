package io.gantry.provisioner;

import io.gantry.common.GantryException;
import io.gantry.common.RequiredTraits;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.provisioner.placement.ClusterState;
import io.gantry.provisioner.placement.NodeInfo;
import io.gantry.provisioner.placement.PlacementEngine;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.PlacementRequest;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * What a standby rehearses once so that a term's first placement and first guarded write run on code already loaded:
 * a placement on a throwaway cluster of one made-up node, and a job's guarded writes for a job that does not exist,
 * which match no row. Neither the record nor the term's own state changes.
 */
final class TermRehearsal {
    private static final String NODE = "standby-rehearsal";

    private TermRehearsal() {
    }

    static void rehearse(JobRecords records, PlacementPolicy policy) throws SQLException {
        ClusterState scratch = new ClusterState();
        scratch.upsertNode(new NodeInfo(NODE, new NodeCapacity(1024, 1024, 1), Map.of(), true));
        try {
            new PlacementEngine(scratch, policy, RandomGenerator.getDefault())
                    .place(new PlacementRequest(UUID.randomUUID(), NODE, NODE, Map.of(), 64, 64, 1, RequiredTraits.NONE, List.of()));
        } catch (GantryException refused) {
            // a policy that finds no room on the made-up node has still run every filter
        }
        UUID noJob = UUID.randomUUID();
        if (records.markPlaced(noJob, UUID.randomUUID(), NODE, Map.of("rehearsal", true))) {
            throw new IllegalStateException("a rehearsal placed job " + noJob + ", which should not exist");
        }
        records.markDispatched(noJob);
    }
}
