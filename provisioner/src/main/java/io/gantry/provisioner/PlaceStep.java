package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.provisioner.placement.PlacementDecision;
import io.gantry.provisioner.placement.PlacementEngine;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * queued → placed, then straight on to dispatch. A provision is booked on the node placement
 * chooses, or kept on the node the ledger already holds for it (booked before a leader change);
 * any other job stays on its machine's node, a resize only if that node has room for the new size.
 * Repeated, it places nothing twice: the record takes the placement only while the job is queued,
 * and a booking the record did not take is released.
 */
final class PlaceStep implements JobStep {
    private static final Logger LOG = LoggerFactory.getLogger(PlaceStep.class);

    private final LeaderParts leader;
    private final PlacementEngine engine;
    private final DispatchStep dispatch;

    PlaceStep(LeaderParts leader, PlacementEngine engine, DispatchStep dispatch) {
        this.leader = leader;
        this.engine = engine;
        this.dispatch = dispatch;
    }

    @Override
    public JobState from() {
        return JobState.QUEUED;
    }

    @Override
    public void advance(OpenJob job) throws Exception {
        if (job.action() == JobKind.PROVISION) {
            placeNew(job);
        } else {
            keepOnItsNode(job);
        }
    }

    private void keepOnItsNode(OpenJob job) throws Exception {
        var m = job.machine();
        if (m.computeNode() == null) {
            // never placed (its provision failed before placement): nothing on any node to act on
            boolean delete = job.action() == JobKind.DELETE;
            leader.finisher().finish(job, delete ? ZoneState.DELETED : m.state(), null,
                    delete ? null : "the machine was never placed on a node");
            return;
        }
        if (job.action() == JobKind.RESIZE && !engine.resize(m.id(), m.memoryMiB(), m.diskMiB(), m.vcpus())) {
            var usage = leader.cluster().usage(m.computeNode());
            leader.finisher().finish(job, m.state(), null, "node " + m.computeNode() + " has no room for the new size ("
                    + m.memoryMiB() + " MiB of memory, " + m.vcpus() + " vCPUs; " + usage.memoryMiB() + " MiB and "
                    + usage.vcpus() + " vCPUs are booked there); machines are not moved between nodes");
            return;
        }
        if (!leader.records().markPlaced(job.id(), m.id(), m.computeNode(), Map.of())) {
            return;
        }
        leader.hook().after(job.id(), "placed");
        dispatch.dispatchJustPlaced(job, m.computeNode());
    }

    private void placeNew(OpenJob job) throws Exception {
        var m = job.machine();
        String node;
        Map<String, Object> placement = Map.of(); // how the node was chosen, for the audit
        var existing = leader.cluster().nodeOf(m.id());
        if (existing.isPresent()) {
            node = existing.get();
        } else {
            PlacementDecision decision = engine.place(m.placementRequest());
            if (decision instanceof PlacementDecision.NoFit noFit) {
                LOG.info("machine {} cannot be placed: {}", m.id(), noFit.explained());
                leader.metrics().noFit(noFit.rejectedBy());
                leader.finisher().finish(job, ZoneState.FAILED, null, noFit.explained());
                return;
            }
            var chosen = (PlacementDecision.Placed) decision;
            node = chosen.node();
            placement = chosen.breakdown();
            leader.metrics().placed();
        }
        boolean placed;
        try {
            placed = leader.records().markPlaced(job.id(), m.id(), node, placement);
        } catch (Exception e) {
            leader.cluster().release(m.id());
            throw e;
        }
        if (!placed) {
            leader.cluster().release(m.id()); // another leader moved the job on meanwhile
            return;
        }
        leader.hook().after(job.id(), "placed");
        dispatch.dispatchJustPlaced(job, node);
    }
}
