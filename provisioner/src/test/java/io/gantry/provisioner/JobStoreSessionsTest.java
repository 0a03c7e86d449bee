package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A provisioner's database sessions carry its incarnation's name, and a new leader ends a dead one's, with whatever they
 * had not committed, before it reads the record (the real record, PostgreSQL).
 */
class JobStoreSessionsTest {
    private final FreshDatabase db = TestPostgres.shared().freshDatabase("jobstore_sessions").migrate("classpath:db/migration");

    @Test
    void sessionsOpenedWithTheConfigsUrlAreNamedAndADeadLeadersAreEndedWithWhatTheyHadNotCommitted() throws Exception {
        String name = Provisioner.applicationName("0123456789abcdef");
        ProvisionerConfig config = new ProvisionerConfig("p1", db.jdbcUrl(), db.user(), db.password(),
                new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), Duration.ofMillis(200))
                .withApplicationName(name);
        try (JobStore watcher = new JobStore(db.jdbcUrl(), db.user(), db.password());
             Connection dead = DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
             Connection bystander = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            assertThat(scalar(dead, "select current_setting('application_name')")).isEqualTo(name);
            dead.setAutoCommit(false);
            try (var st = dead.createStatement()) {
                st.execute("insert into accounts (id, login, email, created, updated)"
                        + " values (gen_random_uuid(), 'half-done', 'h@example.test', now(), now())");
            }

            assertThat(watcher.awaitSessionsGone(name, Duration.ofSeconds(10))).isTrue();

            assertThat(scalar(bystander, "select count(*) from pg_stat_activity where application_name = '" + name + "'")).isEqualTo("0");
            assertThat(scalar(bystander, "select count(*) from accounts where login = 'half-done'")).as("never committed").isEqualTo("0");
            assertThatThrownBy(() -> scalar(dead, "select 1")).isInstanceOf(SQLException.class);
            assertThat(watcher.awaitSessionsGone(Provisioner.applicationName("fedcba9876543210"), Duration.ZERO)).isTrue();
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
