package io.gantry.provisioner;

import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that is lost (its beats fell silent, or its advert went away with its agent's ZooKeeper session) cannot say
 * what runs there:
 * its machines show {@code unknown} until its report says otherwise ({@link ReportReconciler}). A node
 * back before this runs is left alone.
 */
final class LostNodeReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(LostNodeReconciler.class);

    private final LeaderParts leader;

    LostNodeReconciler(LeaderParts leader) {
        this.leader = leader;
    }

    /** Handles every loss seen since the last call; a loss the record could not take is tried again next time. */
    void reconcile() throws SQLException {
        for (String node : leader.watcher().lostNodes()) {
            if (!leader.watcher().isAlive(node)) {
                int n = leader.records().markNodeUnknown(node);
                LOG.warn("node {} lost (silent, or its ZooKeeper session ended); {} machines marked unknown", node, n);
            }
            leader.watcher().lossHandled(node);
        }
    }
}
