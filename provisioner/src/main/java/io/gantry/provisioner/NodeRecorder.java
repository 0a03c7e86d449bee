package io.gantry.provisioner;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the record's {@code compute_nodes} up to date with what the {@link NodeWatcher} sees, so the cloud API can
 * show operators their nodes without reaching ZooKeeper. A node's row is written when it comes or goes at once, and
 * otherwise (a newer report) at most once per {@link #EVERY}, so a busy node's reports do not each cost a write.
 * Also hands the operators' closures (maintenance, retirement) from the record to placement.
 */
final class NodeRecorder {
    static final Duration EVERY = Duration.ofSeconds(5);

    private record Written(Instant at, Instant lastSeen, boolean alive) {
    }

    private final LeaderParts leader;
    private final Clock clock;
    private final Map<String, Written> written = new HashMap<>();

    NodeRecorder(LeaderParts leader, Clock clock) {
        this.leader = leader;
        this.clock = clock;
    }

    /** Writes the sightings that are due; one that the record could not take is tried again next time. */
    void record() throws SQLException {
        Instant now = clock.instant();
        List<NodeSighting> due = new ArrayList<>();
        for (NodeSighting s : leader.watcher().sightings()) {
            Written w = written.get(s.node());
            boolean changed = w == null || w.alive() != s.alive();
            boolean newer = w != null && s.lastSeen().isAfter(w.lastSeen());
            if (changed || newer && !now.isBefore(w.at().plus(EVERY))) {
                due.add(s);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        leader.records().recordNodes(due);
        due.forEach(s -> written.put(s.node(), new Written(now, s.lastSeen(), s.alive())));
    }

    /** Closes to placement the nodes operators closed, and reopens the others. */
    void applyClosures() throws SQLException {
        leader.cluster().setClosed(leader.records().closedNodes());
    }
}
