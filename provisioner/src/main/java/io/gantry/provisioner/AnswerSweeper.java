package io.gantry.provisioner;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the answers of finished jobs that a leader collected but died before removing (collect
 * finishes the job first, then removes the answer): nobody reads them again, so they would stay in
 * ZooKeeper for good. Found in the {@link NodeWatcher}'s cache, which holds every answer. A new
 * leader runs it once, before its first pass.
 */
final class AnswerSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerSweeper.class);

    private final LeaderParts leader;

    AnswerSweeper(LeaderParts leader) {
        this.leader = leader;
    }

    /** Returns how many answers it removed. */
    int sweep() throws Exception {
        Map<UUID, String> answers = leader.watcher().resultsByJob();
        if (answers.isEmpty()) {
            return 0;
        }
        Set<UUID> finished = leader.records().finishedAmong(answers.keySet());
        for (UUID job : finished) {
            try {
                leader.zk().delete().forPath(answers.get(job));
            } catch (KeeperException.NoNodeException e) {
                // removed meanwhile
            }
        }
        if (!finished.isEmpty()) {
            LOG.info("removed {} answers of finished jobs that an earlier leader left behind", finished.size());
        }
        return finished.size();
    }
}
