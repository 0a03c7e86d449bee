package io.gantry.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.GantryVersion;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A role's heartbeat row on a real (embedded) PostgreSQL: written at once and then again, its leader flag followed, removed at close, and written again after the database refused it for a while. */
class RoleHeartbeatTest {
    private final FreshDatabase db = TestPostgres.shared().freshDatabase("heartbeat").migrate("classpath:db/migration");

    private RoleHeartbeat start(String instance, BooleanSupplier leader) {
        return RoleHeartbeat.start(db.jdbcUrl(), db.user(), db.password(), "provisioner", instance, "host-a", leader, Duration.ofMillis(100));
    }

    private List<List<Object>> rows() {
        return db.query("select instance, address, version, leader from role_heartbeats order by instance");
    }

    private static void until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still not so after " + timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void theRowIsRewrittenFollowsLeadershipAndGoesAtClose() throws Exception {
        AtomicBoolean leads = new AtomicBoolean(false);
        try (RoleHeartbeat beat = start("p-1", leads::get)) {
            until(Duration.ofSeconds(10), () -> !rows().isEmpty());
            assertThat(rows()).containsExactly(List.of("p-1", "host-a", GantryVersion.current(), false));
            Object firstSeen = db.query("select last_seen from role_heartbeats").get(0).get(0);
            leads.set(true);
            until(Duration.ofSeconds(10), () -> Boolean.TRUE.equals(rows().get(0).get(3)));
            Object laterSeen = db.query("select last_seen from role_heartbeats").get(0).get(0);
            assertThat(laterSeen).isNotEqualTo(firstSeen);
            assertThat(db.scalar("select count(*) from role_heartbeats where started <= last_seen")).isEqualTo(1);
        }
        assertThat(rows()).isEmpty();
    }

    @Test
    void beatsTheDatabaseRefusesAreRetriedAtTheNextOne() throws Exception {
        db.execute("alter table role_heartbeats rename to role_heartbeats_away");
        try (RoleHeartbeat beat = start("p-2", () -> true)) {
            Thread.sleep(400); // a few refused beats: none throws, none stops the next
            db.execute("alter table role_heartbeats_away rename to role_heartbeats");
            until(Duration.ofSeconds(10), () -> !rows().isEmpty());
            assertThat(rows()).containsExactly(List.of("p-2", "host-a", GantryVersion.current(), true));
        }
        assertThat(rows()).isEmpty();
    }
}
