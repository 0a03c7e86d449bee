package io.gantry.provisioner;

import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeReport;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
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
        Map<String, NodeReport> reports = new HashMap<>();
        for (String node : leader.watcher().takeFreshReports()) {
            if (leader.watcher().isAlive(node)) {
                leader.watcher().report(node).ifPresent(r -> reports.put(node, r));
            }
        }
        if (reports.isEmpty()) {
            return;
        }
        // one read for all nodes with news: a busy cluster's reports come by the hundred per second
        Map<String, Map<UUID, ZoneState>> settled = leader.records().settledMachinesOn(reports.keySet());
        for (Map.Entry<String, NodeReport> report : reports.entrySet()) {
            for (Map.Entry<UUID, ZoneState> recorded : settled.getOrDefault(report.getKey(), Map.of()).entrySet()) {
                NodeReport.ReportedZone seen = report.getValue().zones().get(recorded.getKey());
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
