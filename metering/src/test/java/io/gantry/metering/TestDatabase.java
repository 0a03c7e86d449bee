package io.gantry.metering;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.JdbcAccess;
import io.gantry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A fresh database on one embedded PostgreSQL shared by the test JVM, with the cloud API's schema
 * (the Flyway migrations of gantry-record) and helpers that read and seed it over JDBC as
 * the cloud API would. Metering's schema is added by the service under test when it starts.
 */
final class TestDatabase implements JdbcAccess {
    private static final String CLOUD_API_MIGRATIONS = "classpath:db/migration";
    private final FreshDatabase db;
    final String jdbcUrl;
    final String user;
    final String password;

    private TestDatabase(FreshDatabase db) {
        this.db = db;
        this.jdbcUrl = db.jdbcUrl();
        this.user = db.user();
        this.password = db.password();
    }

    /** A new empty database; with the cloud API's tables when {@code cloudApiSchema}. */
    static TestDatabase create(boolean cloudApiSchema) {
        TestDatabase db = new TestDatabase(TestPostgres.shared().freshDatabase("metering_test"));
        if (cloudApiSchema) {
            db.migrateCloudApi();
        }
        return db;
    }

    void migrateCloudApi() {
        db.migrate(CLOUD_API_MIGRATIONS);
    }

    MeteringConfig config(TestClock clock) {
        return MeteringConfig.of(jdbcUrl, user, password).withClock(clock);
    }

    @Override
    public Connection connect() throws SQLException {
        return db.connect();
    }

    UUID account(String login) {
        UUID id = UUID.randomUUID();
        execute("insert into accounts (id, login, email, created, updated) values (?, ?, ?, now(), now())", id, login, login + "@example.test");
        return id;
    }

    /** A machine of {@code account} in {@code state}, as the cloud API records one. */
    UUID machine(UUID account, String name, String state) {
        UUID id = UUID.randomUUID();
        execute("insert into machines (id, account_id, name, state, brand, image_id, image_name, os, package_id, package_name, memory,"
                        + " swap, disk, vcpus, cpu_cap, lwps, compute_node, networks, tags, metadata, affinity, firewall_enabled,"
                        + " deletion_protection, created, updated) values (?, ?, ?, ?, 'joyent', ?, 'busybox', 'other', ?, 'small', 128, 128,"
                        + " 1024, 1, 100, 256, 'node-1', '[]', '{}', '{}', '[]', false, false, now(), now())",
                id, account, name, state, UUID.randomUUID(), UUID.randomUUID());
        return id;
    }

    /** A job on {@code machine}, as a tenant's request leaves one. */
    UUID job(UUID machine, JobKind kind, JobState state) {
        UUID id = UUID.randomUUID();
        execute("insert into jobs (id, machine_id, action, params, state, caller, created, updated) values (?, ?, ?, '{}', ?, 'tenant', now(), now())",
                id, machine, kind.wireName(), state.wireName());
        return id;
    }
}
