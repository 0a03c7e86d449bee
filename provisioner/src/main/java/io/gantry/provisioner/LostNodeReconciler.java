package io.gantry.provisioner;

import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node whose advert went away (its agent's ZooKeeper session ended) cannot say what runs there:
 * its machines show {@code unknown} until its report says otherwise ({@link ReportReconciler}). A node
 * back before this runs is left alone.
 */
final class LostNodeReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(LostNodeReconciler.class);

    private final NodeWatcher watcher;
    private final JobRecords records;

    LostNodeReconciler(NodeWatcher watcher, JobRecords records) {
        this.watcher = watcher;
        this.records = records;
    }

    /** Handles every loss seen since the last call; a loss the record could not take is tried again next time. */
    void reconcile() throws SQLException {
        for (String node : watcher.lostNodes()) {
            if (!watcher.isAlive(node)) {
                int n = records.markNodeUnknown(node);
                LOG.warn("node {} lost its ZooKeeper session; {} machines marked unknown", node, n);
            }
            watcher.lossHandled(node);
        }
    }
}
