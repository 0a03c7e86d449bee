package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A provisioner's database sessions carry its incarnation's name, and a new leader can wait for a dead one's to end
 * (the real record, PostgreSQL).
 */
class JobStoreSessionsTest {
    private final FreshDatabase db = TestPostgres.shared().freshDatabase("jobstore_sessions").migrate("classpath:db/migration");

    @Test
    void sessionsOpenedWithTheConfigsUrlAreNamedAndTheWaitEndsWhenTheyClose() throws Exception {
        String name = Provisioner.applicationName("0123456789abcdef");
        ProvisionerConfig config = new ProvisionerConfig("p1", db.jdbcUrl(), db.user(), db.password(),
                new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), Duration.ofMillis(200))
                .withApplicationName(name);
        try (JobStore watcher = new JobStore(db.jdbcUrl(), db.user(), db.password())) {
            Connection dead = DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
            try (var st = dead.createStatement(); var rs = st.executeQuery("select current_setting('application_name')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(name);
            }
            assertThat(watcher.awaitSessionsGone(name, Duration.ofMillis(100))).as("one session still open").isFalse();

            dead.close();

            assertThat(watcher.awaitSessionsGone(name, Duration.ofSeconds(10))).isTrue();
            assertThat(watcher.awaitSessionsGone(Provisioner.applicationName("fedcba9876543210"), Duration.ZERO)).isTrue();
        }
    }
}
