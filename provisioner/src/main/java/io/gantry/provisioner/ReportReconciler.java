package io.gantry.provisioner;

import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeReport;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The node is the truth for what it runs: the recorded state of each machine on a node that has no
 * job in flight is settled to what the node's newest report says ({@link MachineLifecycle#fromReport}).
 * Only alive nodes' reports count; a machine the report does not mention is left as it is.
 */
final class ReportReconciler {
    private final LeaderParts leader;

    ReportReconciler(LeaderParts leader) {
        this.leader = leader;
    }

    void reconcile() throws SQLException {
        for (String node : leader.watcher().takeFreshReports()) {
            if (!leader.watcher().isAlive(node)) {
                continue;
            }
            Optional<NodeReport> report = leader.watcher().report(node);
            if (report.isEmpty()) {
                continue;
            }
            for (Map.Entry<UUID, ZoneState> recorded : leader.records().settledMachinesOn(node).entrySet()) {
                NodeReport.ReportedZone seen = report.get().zones().get(recorded.getKey());
                if (seen == null) {
                    continue;
                }
                var next = MachineLifecycle.fromReport(recorded.getValue(), seen.state());
                if (next.isPresent()) {
                    leader.records().setState(recorded.getKey(), next.get(), seen.ip());
                }
            }
        }
    }
}
