package io.gantry.cluster;

import io.gantry.testkit.JdbcAccess;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Who leads, as the roles' heartbeats in the record say (each role writes its row every 3 s). */
public final class Leaders {
    private Leaders() {
    }

    /** The provisioner that leads (its --id, which is its host's name), other than those excluded. */
    public static String provisioner(JdbcAccess record, Set<String> excluded, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            List<List<Object>> rows = record.query("select instance from role_heartbeats where role = 'provisioner' and leader"
                    + " and last_seen > now() - interval '10 seconds' order by last_seen desc");
            for (List<Object> row : rows) {
                if (!excluded.contains(row.get(0).toString())) {
                    return row.get(0).toString();
                }
            }
            Pause.millis(100);
        }
        throw new IllegalStateException("no provisioner leads (beside " + excluded + ") within " + limit.toSeconds() + " s");
    }

    /** Milliseconds from {@code since} (a nanoTime) until another provisioner than {@code old} is recorded leading. */
    static long elapsedUntilNewProvisioner(JdbcAccess record, String old, long since, Duration limit) {
        try {
            provisioner(record, Set.of(old), limit);
            return (System.nanoTime() - since) / 1_000_000;
        } catch (IllegalStateException e) {
            return -1;
        }
    }
}
